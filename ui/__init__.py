"""r2pcoder ui."""
