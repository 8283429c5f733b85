"""r2pcoder core."""
