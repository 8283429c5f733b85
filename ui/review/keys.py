"""Review's keys: every decision on the current cell, and moving through the queue.

The actions sit in the Review menu and are on only in review mode (the coding pane's keys are
off then, so a key never means two things). Each decision is one undoable command
(``controller.review.decide``); a refusal is said in plain words and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from r2pcoder.errors import R2pError
from r2pcoder.review import CellChange, ReviewService

from ui.review_jobs import Decide

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.review.mode import ReviewMode

__all__ = ["install_keys"]


def install_keys(mode: ReviewMode, win: MainWindow) -> None:
    """Put review's actions in the Review menu (off until review mode is entered)."""
    actions, menu = win.actions_, win.actions_.review_menu

    def add(
        text: str, slot: Callable[[], object], key: str | None, tip: str, mutating: bool = True
    ) -> None:
        actions.add(text, menu, slot, key, tip, mutating=mutating, review=True)

    for n in range(1, 10):
        add(
            f"Accept coder &{n}'s coding",
            partial(accept, mode, n),
            str(n),
            f"Gold takes the coding of the coder in column {n} (or absent, if they did not "
            "code the theme)",
        )
    add(
        "Accept what &all agree on",
        partial(accept_agreed, mode, False),
        "A",
        "Gold takes the value every coder who worked on the statement gave",
    )
    add(
        "Accept every agreed cell of the statement",
        partial(accept_agreed, mode, True),
        "Shift+A",
        "",
    )
    add(
        "Change the gold &stance…",
        partial(ask_stance, mode),
        "S",
        "The stance of the cell's gold codings (or of the gold coding chosen)",
    )
    add(
        "Adjust the span to the s&election",
        partial(adjust_span, mode),
        "E",
        "Move the chosen gold coding to the selected passage",
    )
    add(
        "Add a coding over the selection…",
        partial(ask_add, mode, False),
        "N",
        "A gold coding of the current theme over the selected passage",
    )
    add("Add a coding of another theme…", partial(ask_add, mode, True), "Shift+N", "")
    add(
        "Mark the theme absent",
        partial(mark_absent, mode),
        "X",
        "Gold says the theme is not in the statement",
    )
    add("&Keep the re-opened decision", partial(confirm, mode), "K", "")
    add("&Withdraw the decision", partial(withdraw, mode), "W", "The cell goes back to the queue")
    add("Remove the chosen gold coding", partial(remove_gold, mode), "Del", "")
    add(
        "Mark the statement &resolved",
        partial(resolve, mode),
        "Ctrl+D",
        "Every cell still awaiting is settled as absent",
    )
    menu.addSeparator()
    add("&Next cell", partial(step_cell, mode, 1), "F8", "", mutating=False)
    add("&Previous cell", partial(step_cell, mode, -1), "Shift+F8", "", mutating=False)
    add("Next statement", partial(step_statement, mode, 1), "Ctrl+PgDown", "", mutating=False)
    add("Previous statement", partial(step_statement, mode, -1), "Ctrl+PgUp", "", mutating=False)
    add(
        "Re&fresh",
        mode.refresh,
        "F5",
        "Read decisions made elsewhere (the command line)",
        mutating=False,
    )
    add(
        "A&uto rules…",
        mode.open_auto,
        None,
        "Decide the cells the coders settle among themselves (preview first)",
    )
    mode.picker.picked.connect(partial(_picked, mode))


# -- the current cell ------------------------------------------------------------------------


def _current(mode: ReviewMode) -> tuple[int, int] | None:
    if mode.review is None or mode.cell is None:
        mode.say("Choose a cell in the queue first.")
        return None
    return mode.cell


def _names(mode: ReviewMode) -> tuple[str, str]:
    assert mode.review is not None
    assert mode.cell is not None
    return mode.controller.look.theme_name(mode.cell[1]), mode.review.title


def decide(mode: ReviewMode, text: str, call: Decide) -> bool:
    """Make one decision as an undoable command; say why if it is refused or changes nothing."""
    try:
        change = mode.controller.review.decide(text, call)
    except R2pError as exc:
        mode.say(str(exc))
        return False
    if not change.changed:
        mode.say(f"Nothing changed: the gold layer already holds that ({text}).")
    return change.changed


def accept(mode: ReviewMode, key: int) -> None:
    cell = _current(mode)
    if cell is None:
        return
    assert mode.review is not None
    lanes = [lane for lane in mode.review.lanes if lane.kind == "coder" and lane.key == key]
    if not lanes or lanes[0].coder_id is None:
        mode.say(f"No coder has key {key} in this statement.")
        return
    coder, (theme, title) = lanes[0].coder_id, _names(mode)
    decide(
        mode,
        f"Accept {lanes[0].name}'s coding of '{theme}' in '{title}'",
        lambda r, by: r.accept(*cell, coder, by=by),
    )


def accept_agreed(mode: ReviewMode, whole: bool) -> None:
    cell = _current(mode)
    if cell is None:
        return
    theme, title = _names(mode)
    if whole:
        decide(
            mode,
            f"Accept every agreed cell of '{title}'",
            lambda r, by: r.accept_agreed(cell[0], by=by),
        )
    else:
        decide(
            mode,
            f"Accept what all agree on for '{theme}' in '{title}'",
            lambda r, by: r.accept_agreed(*cell, by=by),
        )


def _stance_menu(mode: ReviewMode, title: str, pick: Callable[[int | None], None]) -> QMenu:
    """Stances to pick with their keys (1-5, 0 for none), beside the text; Esc cancels."""
    menu = QMenu(title, mode.page)
    menu.setObjectName("review-stance-menu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for stance in mode.controller.stances():
        action = menu.addAction(f"&{stance.shortcut or stance.name[:1]}  {stance.name}")
        action.triggered.connect(partial(pick, stance.id))
    menu.addAction("&0  No stance").triggered.connect(partial(pick, None))
    text = mode.page.text
    menu.popup(text.mapToGlobal(QPoint(text.width() // 3, text.height() // 3)))
    mode.menu = menu
    return menu


def ask_stance(mode: ReviewMode) -> None:
    if _current(mode) is not None:
        _stance_menu(mode, "Gold stance", partial(set_stance, mode))


def set_stance(mode: ReviewMode, stance_id: int | None) -> None:
    cell = _current(mode)
    if cell is None:
        return
    stance = mode.controller.stance(stance_id)
    theme, title = _names(mode)
    gold, name = mode.gold_key, stance.name if stance else "none"
    decide(
        mode,
        f"Set the gold stance '{name}' on '{theme}' in '{title}'",
        lambda r, by: r.set_stance(*cell, stance_id, by=by, gold_uuid=gold),
    )


def _gold_target(mode: ReviewMode) -> str | None:
    """The chosen gold coding, or the cell's only one."""
    if mode.review is None or mode.cell is None:
        return None
    if mode.gold_key is not None:
        return mode.gold_key
    mine = [c.uuid for c in mode.review.lanes[-1].codings if c.theme_id == mode.cell[1]]
    return mine[0] if len(mine) == 1 else None


def adjust_span(mode: ReviewMode) -> None:
    if _current(mode) is None:
        return
    span, gold = mode.selection(), _gold_target(mode)
    if span is None:
        mode.say("Select the passage the gold coding should cover first.")
        return
    if gold is None:
        mode.say(
            "Choose the gold coding first: click it in the gold column (or accept or add one)."
        )
        return
    theme, title = _names(mode)
    decide(
        mode,
        f"Adjust the gold span of '{theme}' in '{title}'",
        lambda r, by: r.adjust_span(gold, span, by=by),
    )


def ask_add(mode: ReviewMode, other_theme: bool) -> None:
    if mode.review is None:
        mode.say("Choose a cell in the queue first.")
        return
    if mode.selection() is None:
        mode.say("Select the passage to code first.")
        return
    if other_theme or mode.cell is None:
        mode.picker.set_themes(mode.controller.themes())
        mode.picker.open_picker()
        return
    _picked(mode, mode.cell[1])


def _picked(mode: ReviewMode, theme_id: int) -> None:
    name = mode.controller.look.theme_name(theme_id)
    _stance_menu(mode, f"Stance of the new '{name}' coding", partial(add, mode, theme_id))


def add(mode: ReviewMode, theme_id: int, stance_id: int | None) -> None:
    span = mode.selection()
    if mode.review is None or span is None:
        mode.say("Select the passage to code first.")
        return
    doc, title = mode.review.document_id, mode.review.title
    mode.cell = (doc, theme_id)  # the new coding's cell becomes current
    name = mode.controller.look.theme_name(theme_id)
    decide(
        mode,
        f"Add a gold coding of '{name}' in '{title}'",
        lambda r, by: r.add(doc, theme_id, stance_id, span, by=by),
    )


def _on_cell(mode: ReviewMode, words: str, call: Callable[..., CellChange]) -> None:
    """Decide the current cell with ``call(document, theme, by=...)``; ``words`` name it."""
    cell = _current(mode)
    if cell is not None:
        theme, title = _names(mode)
        decide(mode, words.format(theme=theme, title=title), lambda r, by: call(r, *cell, by=by))


def mark_absent(mode: ReviewMode) -> None:
    _on_cell(mode, "Mark '{theme}' absent in '{title}'", ReviewService.mark_absent)


def confirm(mode: ReviewMode) -> None:
    _on_cell(mode, "Keep the decision on '{theme}' in '{title}'", ReviewService.confirm)


def withdraw(mode: ReviewMode) -> None:
    _on_cell(mode, "Withdraw the decision on '{theme}' in '{title}'", ReviewService.reopen)


def remove_gold(mode: ReviewMode) -> None:
    if _current(mode) is None:
        return
    gold = _gold_target(mode)
    if gold is None:
        mode.say("Choose the gold coding to remove: click it in the gold column.")
        return
    theme, title = _names(mode)
    decide(
        mode,
        f"Remove a gold coding of '{theme}' in '{title}'",
        lambda r, by: r.remove_gold(gold, by=by),
    )


def resolve(mode: ReviewMode) -> None:
    cell = _current(mode)
    if cell is not None:
        title = _names(mode)[1]
        decide(mode, f"Mark '{title}' resolved", lambda r, by: r.resolve(cell[0], by=by))


# -- moving ----------------------------------------------------------------------------------


def step_cell(mode: ReviewMode, delta: int) -> None:
    model, row = mode.page.queue_model, mode.page.queue.currentIndex().row()
    target = row + delta if row >= 0 else 0
    if 0 <= target < model.rowCount():
        mode.page.select_queue_row(target)


def step_statement(mode: ReviewMode, delta: int) -> None:
    model, row = mode.page.queue_model, mode.page.queue.currentIndex().row()
    if row < 0 or not model.rowCount():
        step_cell(mode, 0)
        return
    doc = model.item(row).document_id
    rows = range(row + 1, model.rowCount()) if delta > 0 else range(row - 1, -1, -1)
    found = next((r for r in rows if model.item(r).document_id != doc), None)
    if found is None:
        return
    if delta < 0:  # the first cell of the previous statement
        other = model.item(found).document_id
        while found > 0 and model.item(found - 1).document_id == other:
            found -= 1
    mode.page.select_queue_row(found)
