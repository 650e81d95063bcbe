"""Lab trend chart (pyqtgraph): one test's values over time, the reference range shaded, and
dose changes marked as vertical lines. Data comes from the profile; nothing is painted by
hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    import pyqtgraph as pg

    from desktop.core.records.profile import Profile

_pg: Any = None


def _pyqtgraph() -> Any:
    """pyqtgraph, imported when the first chart is drawn: importing it takes about a third of
    the time to the window shown (bench/startup.py), and most starts show no chart."""
    global _pg
    if _pg is None:
        import pyqtgraph

        pyqtgraph.setConfigOptions(antialias=True, background="w", foreground="k")
        _pg = pyqtgraph
    return _pg


@dataclass
class Series:
    test: str
    unit: str
    points: list[tuple[float, float]]  # (unix time, value), oldest first
    ref_low: float | None
    ref_high: float | None
    markers: list[tuple[float, str]]  # (unix time, label) for dose changes


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        day = datetime.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp()


def _number(text: str | None) -> float | None:
    try:
        return float(str(text).replace(",", ".").strip("<>= ")) if text else None
    except ValueError:
        return None


def lab_series(profile: Profile | None) -> dict[str, Series]:
    """Every lab test with at least one dated numeric value, with dose-change markers."""
    if profile is None:
        return {}
    markers: list[tuple[float, str]] = []
    for f in profile.by_field("dose_change"):
        when = _timestamp(f.details.get("date") or f.date)
        if when is not None:
            to = f.details.get("to")
            markers.append((when, f"{f.value} → {to}" if to else f"{f.value} dose change"))
    out: dict[str, Series] = {}
    for f in profile.by_field("lab"):
        test = f.details.get("test")
        when, value = _timestamp(f.date), _number(f.value)
        if not test or when is None or value is None:
            continue
        series = out.setdefault(
            test,
            Series(test, f.details.get("unit", ""), [], None, None, sorted(markers)),
        )
        series.points.append((when, value))
        low, high = _number(f.details.get("ref_low")), _number(f.details.get("ref_high"))
        series.ref_low = series.ref_low if low is None else low
        series.ref_high = series.ref_high if high is None else high
        if not series.unit and f.details.get("unit"):
            series.unit = f.details["unit"]
    for series in out.values():
        series.points = sorted(set(series.points))
    return out


class LabChart(QWidget):
    """A test selector over a pyqtgraph plot with a date axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selector = QComboBox()
        self.selector.setAccessibleName("Lab test to chart")
        self.plot: pg.PlotWidget | None = None  # made when there is something to draw
        self.empty = QLabel("No dated lab values in these records yet.")
        self.empty.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.selector)
        self._layout.addWidget(self.empty)
        self._series: dict[str, Series] = {}
        self.curve: pg.PlotDataItem | None = None
        self.range_band: pg.LinearRegionItem | None = None
        self.marker_lines: list[pg.InfiniteLine] = []
        self.selector.currentTextChanged.connect(self.show_test)
        self.set_profile(None)

    def set_profile(self, profile: Profile | None) -> None:
        """Chart this profile's labs; None (no patient unlocked) clears the chart."""
        self._series = lab_series(profile)
        current = self.selector.currentText()
        self.selector.blockSignals(True)
        self.selector.clear()
        # tests with more points first: a trend is what this chart is for
        names = sorted(self._series, key=lambda t: (-len(self._series[t].points), t))
        self.selector.addItems(names)
        self.selector.blockSignals(False)
        has_data = bool(names)
        if has_data and self.plot is None:
            pg = _pyqtgraph()
            self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
            self.plot.setAccessibleName("Lab trend chart")
            self.plot.showGrid(x=True, y=True, alpha=0.2)
            self._layout.insertWidget(1, self.plot, 1)
        self.selector.setVisible(has_data)
        if self.plot is not None:
            self.plot.setVisible(has_data)
        self.empty.setVisible(not has_data)
        if current in self._series:
            self.selector.setCurrentText(current)
        self.show_test(self.selector.currentText())

    def show_test(self, test: str) -> None:
        self.curve, self.range_band, self.marker_lines = None, None, []
        series = self._series.get(test)
        if self.plot is None:
            return
        self.plot.clear()
        if series is None:
            return
        pg = _pyqtgraph()
        xs = [p[0] for p in series.points]
        ys = [p[1] for p in series.points]
        if series.ref_low is not None and series.ref_high is not None:
            self.range_band = pg.LinearRegionItem(
                values=(series.ref_low, series.ref_high),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(46, 139, 87, 40),
                pen=pg.mkPen(None),
            )
            self.plot.addItem(self.range_band)
        self.curve = self.plot.plot(
            xs, ys, pen=pg.mkPen("#1f4e79", width=2), symbol="o", symbolBrush="#1f4e79"
        )
        for when, label in series.markers:
            line = pg.InfiniteLine(
                pos=when,
                angle=90,
                pen=pg.mkPen("#b00020", style=pg.QtCore.Qt.PenStyle.DashLine),
                label=label,
                labelOpts={"position": 0.9, "color": "#b00020"},
            )
            self.plot.addItem(line)
            self.marker_lines.append(line)
        self.plot.setLabel("left", f"{series.test} ({series.unit})" if series.unit else test)
        self.plot.setTitle(f"{series.test} over time")
