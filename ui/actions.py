"""Menus, actions and keyboard shortcuts of the main window, and the shortcut sheet.

The actions call the window's public methods only (``focus_part``, ``open_find``,
``apply_theme``...), never its child widgets; ``MainWindow`` is imported for type checking
only, so at run time the import goes one way: the window imports its actions.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMenu, QTextBrowser, QVBoxLayout, QWidget

from r2pcoder.codebook.store import StanceInfo, ThemeInfo

from ui.fit import close_button, fit_size

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = ["WindowActions", "shortcut_sheet_html"]

Key = QKeySequence.StandardKey


class WindowActions:
    """Builds the menu bar; keeps the actions that change state (enabled, labels, themes)."""

    def __init__(self, win: MainWindow) -> None:
        self._win = win
        self.all: list[QAction] = []
        self.mutating: list[QAction] = []
        # Actions of the coding pane, off in review mode (where the same keys decide), and
        # review's own actions, off outside it: a key never means two things at once.
        self.coding: list[QAction] = []
        self.reviewing: list[QAction] = []
        self._busy = False
        self._review = False
        bar = win.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.recent_menu = QMenu("Open &recent", win)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._file(self.file_menu)
        self._edit(bar.addMenu("&Edit"))
        self.view_menu = bar.addMenu("&View")
        self._view(self.view_menu)
        coding = bar.addMenu("&Coding")
        self._coding(coding)
        self.theme_menu = coding.addMenu("Apply &theme")
        self.stance_menu = coding.addMenu("Set &stance")
        self.theme_actions: list[QAction] = []
        self.stance_actions: list[QAction] = []
        self._tools(bar.addMenu("&Analyse"))
        self._team(bar.addMenu("&Team"))
        self.review_menu = bar.addMenu("&Review")
        self.review_toggle = self.add(
            "&Review and adjudicate",
            self.review_menu,
            win.toggle_review,
            "Ctrl+Shift+G",
            "Settle the coders' differences into the gold layer (a master only); again to leave",
        )
        self.review_toggle.setCheckable(True)
        self.review_menu.addSeparator()
        coder = bar.addMenu("C&oder")
        self.add("Switch &coder…", coder, win.ask_coder, "Ctrl+Shift+U", "Code under another name")
        help_menu = bar.addMenu("&Help")
        self.add("&Keyboard shortcuts", help_menu, win.show_shortcuts, Key.HelpContents, "")
        self.add("&About r2pcoder", help_menu, win.show_about, None, "")

    def add(
        self,
        text: str,
        menu: QMenu,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None,
        tip: str,
        *,
        mutating: bool = False,
        coding: bool = False,
        review: bool = False,
    ) -> QAction:
        action = QAction(text, self._win)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        label = text.replace("&", "").rstrip("…")
        action.setToolTip(tip or label)
        action.setStatusTip(tip or label)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self._win.addAction(action)  # shortcuts work while the menu bar is hidden, too
        self.all.append(action)
        if mutating:
            self.mutating.append(action)
        if coding:
            self.coding.append(action)
        if review:
            self.reviewing.append(action)
        action.setEnabled(self._enabled(action))
        return action

    def _file(self, menu: QMenu) -> None:
        w = self._win
        self.add(
            "&New project…", menu, w.flows.new_project, Key.New, "Create an empty project file"
        )
        self.add(
            "&Open project…", menu, w.flows.open_project_dialog, Key.Open, "Open a project file"
        )
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        self.import_action = self.add(
            "&Import documents…",
            menu,
            w.flows.import_files_dialog,
            "Ctrl+I",
            "Import statements from files, optionally with a metadata CSV",
            mutating=True,
        )
        self.add(
            "Import &folder…",
            menu,
            w.flows.import_folder_dialog,
            "Ctrl+Shift+I",
            "Import every supported file in a folder",
            mutating=True,
        )
        self.add(
            "Load &codebook…",
            menu,
            w.flows.load_codebook_dialog,
            "Ctrl+Shift+K",
            "Install or revise the project's codebook from a YAML/JSON file",
            mutating=True,
        )
        menu.addSeparator()
        self.add(
            "Import &REFI-QDA project or codebook…",
            menu,
            w.flows.import_refi_dialog,
            None,
            "Bring in a .qdpx project or .qdc codebook from MAXQDA, ATLAS.ti, NVivo or QualCoder",
            mutating=True,
        )
        self.add(
            "E&xport REFI-QDA project or codebook…",
            menu,
            w.flows.export_refi_dialog,
            None,
            "Write a .qdpx project or .qdc codebook that MAXQDA, ATLAS.ti and NVivo open",
        )
        menu.addSeparator()
        self.add("&Quit", menu, w.close, Key.Quit, "Close r2pcoder (everything is already saved)")

    def _edit(self, menu: QMenu) -> None:
        w = self._win
        undo = w.stack.createUndoAction(w, "&Undo")
        undo.setShortcut(QKeySequence(Key.Undo))
        redo = w.stack.createRedoAction(w, "&Redo")
        redo.setShortcut(QKeySequence(Key.Redo))
        for action in (undo, redo):
            menu.addAction(action)
            self.all.append(action)
            self.mutating.append(action)
        self.undo, self.redo = undo, redo
        menu.addSeparator()
        self.add(
            "&Find in statement", menu, w.open_find, Key.Find, "Search the open text", coding=True
        )
        self.add("Find &next", menu, lambda: w.find_step(1), Key.FindNext, "", coding=True)
        self.add("Find pre&vious", menu, lambda: w.find_step(-1), Key.FindPrevious, "", coding=True)
        self.add("&Copy", menu, w.copy_selection, Key.Copy, "Copy the selected text", coding=True)
        menu.addSeparator()
        self.snap = self.add(
            "&Snap selection to words",
            menu,
            w.toggle_snap,
            "Ctrl+Shift+W",
            "Widen selections to whole words before coding",
        )
        self.snap.setCheckable(True)
        self.snap.setChecked(True)
        self.add(
            "Filter &documents",
            menu,
            partial(w.focus_part, "document filter"),
            "Ctrl+Shift+F",
            "",
            coding=True,
        )
        self.add(
            "Filter &themes", menu, partial(w.focus_part, "theme filter"), "Ctrl+T", "", coding=True
        )

    def _view(self, menu: QMenu) -> None:
        w = self._win
        self.add("Zoom &in", menu, lambda: w.zoom(1), Key.ZoomIn, "Larger statement text")
        self.add("Zoom &out", menu, lambda: w.zoom(-1), Key.ZoomOut, "Smaller statement text")
        self.add("&Reset zoom", menu, lambda: w.zoom(None), "Ctrl+0", "")
        menu.addSeparator()
        for text, part, key, tip in (
            ("Focus &text", "text", "Alt+1", "Move focus to the text"),
            ("Focus &documents", "documents", "Alt+2", ""),
            ("Focus code&book", "codebook", "Alt+3", ""),
            ("Focus co&dings", "codings", "Alt+4", ""),
            ("Focus &memos", "memos", "Alt+5", "The memo on this statement"),
        ):
            self.add(text, menu, partial(w.focus_part, part), key, tip, coding=True)
        menu.addSeparator()
        self.others = self.add(
            "Show &other coders' codings",
            menu,
            w.toggle_others,
            "Ctrl+Shift+O",
            "Show other coders' codings of this statement as hollow stripes (read-only)",
            coding=True,
        )
        self.others.setCheckable(True)
        menu.addSeparator()

    def _coding(self, menu: QMenu) -> None:
        w = self._win
        self.add(
            "Apply theme by &name…",
            menu,
            w.open_picker,
            "Ctrl+K",
            "Type part of any theme's name or definition, then Enter",
            mutating=True,
            coding=True,
        )
        self.add(
            "&Next statement", menu, lambda: w.step_document(1), "Ctrl+PgDown", "", coding=True
        )
        self.add(
            "&Previous statement", menu, lambda: w.step_document(-1), "Ctrl+PgUp", "", coding=True
        )
        self.add(
            "Next &coding",
            menu,
            lambda: w.step_coding(1),
            "F8",
            "Jump to the next coding",
            coding=True,
        )
        self.add("Previous c&oding", menu, lambda: w.step_coding(-1), "Shift+F8", "", coding=True)
        self.add(
            "&Mark statement done",
            menu,
            w.toggle_done,
            "Ctrl+D",
            "Mark (or unmark) this statement as done by you",
            mutating=True,
            coding=True,
        )
        self.add(
            "&Delete coding",
            menu,
            w.delete_current,
            Key.Delete,
            "Delete the current coding",
            mutating=True,
            coding=True,
        )
        self.add(
            "&Rename theme…",
            menu,
            w.rename_theme,
            "F2",
            "Rename the theme chosen in the codebook (in this project only)",
            mutating=True,
            coding=True,
        )
        menu.addSeparator()

    def _tools(self, menu: QMenu) -> None:
        w = self._win
        self.add(
            "&Retrieve coded passages…",
            menu,
            partial(w.flows.open_dialog, "retrieval"),
            "Ctrl+Shift+R",
            "Every passage of one or several themes, across the statements",
        )
        self.add(
            "&Search all statements…",
            menu,
            partial(w.flows.open_dialog, "search"),
            "Ctrl+Shift+S",
            "A phrase or regular expression across the corpus; code the hits",
        )

    def _team(self, menu: QMenu) -> None:
        w = self._win
        for text, name, key, tip, mutating in (
            (
                "Make coder &packets…",
                "packets",
                "Ctrl+Shift+P",
                "Give each coder a packet file to code on their own computer",
                True,
            ),
            (
                "&Merge packets…",
                "merge",
                "Ctrl+Shift+M",
                "Bring coders' packets back into this master project",
                True,
            ),
            (
                "&Agreement…",
                "agreement",
                "Ctrl+Shift+A",
                "Measure how far the coders agree, theme by theme",
                False,
            ),
            ("&Export…", "export", "Ctrl+E", "Write tables of codings for analysis", False),
        ):
            self.add(text, menu, partial(w.flows.open_dialog, name), key, tip, mutating=mutating)

    def set_codebook(self, themes: Sequence[ThemeInfo], stances: Sequence[StanceInfo]) -> None:
        """Rebuild the theme and stance actions, with the codebook's own keys."""
        for action in self.theme_actions + self.stance_actions:
            self._win.removeAction(action)
            self.all.remove(action)
            self.mutating.remove(action)
            self.coding.remove(action)
        self.theme_menu.clear()
        self.stance_menu.clear()
        self.theme_actions = [
            self.add(
                "    " * t.depth + t.name.replace("&", "&&"),
                self.theme_menu,
                partial(self._win.apply_theme, t.id),
                t.shortcut.upper() if t.shortcut else None,
                f"Code the selection as '{t.name}'",
                mutating=True,
                coding=True,
            )
            for t in themes
        ]
        self.stance_actions = [
            self.add(
                s.name.replace("&", "&&"),
                self.stance_menu,
                partial(self._win.apply_stance, s.id),
                s.shortcut,
                f"Stance '{s.name}'",
                mutating=True,
                coding=True,
            )
            for s in stances
        ]

    def set_mutating_enabled(self, enabled: bool) -> None:
        """Mutating actions off while a writer job runs (and on again after)."""
        self._busy = not enabled
        self._apply()

    def set_review(self, on: bool) -> None:
        """Review mode on or off: the coding pane's actions give way to review's."""
        self._review = on
        self.review_toggle.setChecked(on)
        self._apply()

    def _enabled(self, action: QAction) -> bool:
        on = not (self._busy and action in self.mutating)
        on = on and not (self._review and action in self.coding)
        return on and (self._review or action not in self.reviewing)

    def _apply(self) -> None:
        for action in self.all:
            if action not in (self.undo, self.redo):
                action.setEnabled(self._enabled(action))
        self.undo.setEnabled(not self._busy and self._win.stack.canUndo())
        self.redo.setEnabled(not self._busy and self._win.stack.canRedo())

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._win.controller.recent_projects()
        for n, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{n} {path}")
            action.triggered.connect(lambda _=False, p=path: self._win.open_project_path(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)


def shortcut_sheet_html(actions: Sequence[QAction]) -> str:
    """A table of every action that has a keyboard shortcut."""
    rows = [
        (a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
        for a in actions
        if not a.shortcut().isEmpty()
    ]
    body = "".join(
        f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(t.strip())}</td></tr>"
        for k, t in rows
    )
    intro = (
        "<p>Select text, press a theme key (or Ctrl+K and part of any theme's name, then Enter), "
        "then a stance key 1-5. "
        "Everything is saved at once; Undo takes back any coding action.</p>"
    )
    return f"<h3>Keyboard shortcuts</h3>{intro}<table cellpadding='3'>{body}</table>"


def show_shortcut_sheet(parent: QWidget, actions: Sequence[QAction]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    dialog.setObjectName("shortcut-sheet")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view = QTextBrowser()
    view.setHtml(shortcut_sheet_html(actions))
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(close_button(dialog))
    layout.addLayout(row)
    fit_size(dialog, 560, 680)
    dialog.show()
    return dialog
