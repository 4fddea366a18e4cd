// SPDX-License-Identifier: MIT
#include "painteddonutchart.h"

#include <QPainter>
#include <QPainterPath>

PaintedDonutChart::PaintedDonutChart(QWidget* parent) : DonutChart(parent) {
    setMinimumSize(200, 200);
}

void PaintedDonutChart::setSlices(const QList<ChartSlice>& slices, const QString& centreText) {
    m_slices = slices;
    m_centre = centreText;
    update();
}

void PaintedDonutChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int side = std::min(width(), height()) - 20;
    if (side <= 0)
        return;
    const QRectF outer((width() - side) / 2.0, (height() - side) / 2.0, side, side);
    const QRectF inner = outer.adjusted(side * 0.22, side * 0.22, -side * 0.22, -side * 0.22);
    double total = 0;
    for (const auto& s : m_slices)
        total += s.value;
    double angle = 90.0; // start at twelve o'clock, clockwise like DevTools
    p.setPen(QPen(palette().color(QPalette::Base), 1.5));
    for (const auto& s : m_slices) {
        if (total <= 0 || s.value <= 0)
            continue;
        const double span = -360.0 * s.value / total;
        QPainterPath path;
        path.arcMoveTo(outer, angle);
        path.arcTo(outer, angle, span);
        path.arcTo(inner, angle + span, -span);
        path.closeSubpath();
        p.setBrush(s.color);
        p.drawPath(path);
        angle += span;
    }
    p.setPen(palette().color(QPalette::Text));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    p.setFont(f);
    p.drawText(inner, Qt::AlignCenter | Qt::TextWordWrap, m_centre);
}
