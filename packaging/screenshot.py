"""Render the README screenshot offscreen: open the window, ask a question, save a PNG.

Run: QT_QPA_PLATFORM=offscreen python packaging/screenshot.py docs/screenshot.png"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop import offline

offline.apply()


def main(out: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.services.source import standard
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    settings = load_settings()
    window = MainWindow(settings, standard(settings))
    window.resize(1280, 820)
    window.show()

    def save(answer: object) -> None:
        QTimer.singleShot(300, lambda: (window.grab().save(out), app.quit()))

    window.services_ready.connect(lambda: window.ask("What is HER2-low breast cancer?"))
    window.answer_ready.connect(save)
    window.failed.connect(lambda message: (print(message), app.exit(1)))
    window.start()
    code = app.exec()
    window.shutdown()
    print(f"saved {Path(out).resolve()}" if code == 0 else "failed")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"))
