// SPDX-License-Identifier: MIT
#include "series/trendchart.h"

#include "textutil.h"

#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#ifdef HEAPSCOPE_HAVE_QTCHARTS
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#endif

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// The palette the lines cycle through (distinct in light and dark themes).
const QColor kLineColors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                              QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b)};

#ifndef HEAPSCOPE_HAVE_QTCHARTS
// Without Qt Charts: axes, one polyline per line, and a legend.
class PaintedLines : public QWidget {
public:
    explicit PaintedLines(QWidget* parent) : QWidget(parent) { setMinimumSize(240, 160); }
    void setLines(const std::vector<TrendChart::Line>* lines, QString unit) {
        m_lines = lines;
        m_unit = std::move(unit);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QRectF plot =
            QRectF(rect()).adjusted(56, 12, -12, -28 - 16 * qreal(m_lines ? m_lines->size() : 0));
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(plot);
        if (!m_lines || m_lines->empty() || plot.height() < 20) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect(), Qt::AlignCenter, TrendChart::tr("Select classes to draw them"));
            return;
        }
        double high = 0;
        std::size_t points = 0;
        for (const auto& line : *m_lines) {
            for (double v : line.values)
                high = std::max(high, v);
            points = std::max(points, line.values.size());
        }
        high = high > 0 ? high : 1;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRectF(0, plot.top() - 6, 52, 12), Qt::AlignRight,
                   m_unit == u"bytes"_s ? TextUtil::bytesAdaptive(std::uint64_t(high))
                                        : TextUtil::grouped(std::uint64_t(high)));
        p.drawText(QRectF(0, plot.bottom() - 6, 52, 12), Qt::AlignRight, u"0"_s);
        for (std::size_t i = 0; i < points; ++i) {
            const qreal x =
                points > 1 ? plot.left() + plot.width() * qreal(i) / qreal(points - 1) : plot.center().x();
            p.drawText(QRectF(x - 20, plot.bottom() + 2, 40, 14), Qt::AlignCenter, u"#%1"_s.arg(i + 1));
        }
        for (std::size_t l = 0; l < m_lines->size(); ++l) {
            const auto& line = (*m_lines)[l];
            QPainterPath path;
            for (std::size_t i = 0; i < line.values.size(); ++i) {
                const qreal x = points > 1 ? plot.left() + plot.width() * qreal(i) / qreal(points - 1)
                                           : plot.center().x();
                const qreal y = plot.bottom() - plot.height() * line.values[i] / high;
                i == 0 ? path.moveTo(x, y) : path.lineTo(x, y);
            }
            const QColor color = kLineColors[l % std::size(kLineColors)];
            p.setPen(QPen(color, 2));
            p.drawPath(path);
            const qreal legendY = plot.bottom() + 20 + 16 * qreal(l);
            p.drawLine(QPointF(plot.left(), legendY + 6), QPointF(plot.left() + 16, legendY + 6));
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRectF(plot.left() + 22, legendY, plot.width() - 22, 14),
                       Qt::AlignLeft | Qt::AlignVCenter, line.name);
        }
    }

private:
    const std::vector<TrendChart::Line>* m_lines = nullptr;
    QString m_unit;
};
#endif

} // namespace

class TrendChart::Backend {
public:
    explicit Backend(QWidget* owner) {
        auto* layout = new QVBoxLayout(owner);
        layout->setContentsMargins(0, 0, 0, 0);
#ifdef HEAPSCOPE_HAVE_QTCHARTS
        m_chart = new QChart;
        m_chart->legend()->setAlignment(Qt::AlignBottom);
        m_chart->setMargins(QMargins(4, 4, 4, 4));
        m_view = new QChartView(m_chart, owner);
        m_view->setObjectName(u"trendChartView"_s);
        m_view->setRenderHint(QPainter::Antialiasing);
        m_view->setMinimumSize(240, 160);
        layout->addWidget(m_view);
#else
        m_painted = new PaintedLines(owner);
        m_painted->setObjectName(u"trendChartView"_s);
        layout->addWidget(m_painted);
#endif
    }

    void draw(const std::vector<Line>& lines, bool bytes, const QPalette& palette) {
#ifdef HEAPSCOPE_HAVE_QTCHARTS
        m_chart->removeAllSeries();
        for (QAbstractAxis* axis : m_chart->axes())
            m_chart->removeAxis(axis);
        m_chart->setTitle(lines.empty() ? TrendChart::tr("Select classes to draw them") : QString());
        m_chart->setBackgroundBrush(palette.color(QPalette::Base));
        m_chart->setTitleBrush(palette.color(QPalette::PlaceholderText));
        m_chart->legend()->setLabelColor(palette.color(QPalette::Text));
        auto* x = new QValueAxis;
        auto* y = new QValueAxis;
        x->setLabelFormat(u"#%d"_s);
        x->setTitleText(TrendChart::tr("Snapshot"));
        y->setTitleText(bytes ? TrendChart::tr("Retained size (bytes)") : TrendChart::tr("Objects"));
        y->setLabelFormat(u"%.0f"_s);
        for (QValueAxis* axis : {x, y}) {
            axis->setLabelsColor(palette.color(QPalette::Text));
            axis->setTitleBrush(palette.color(QPalette::Text));
        }
        m_chart->addAxis(x, Qt::AlignBottom);
        m_chart->addAxis(y, Qt::AlignLeft);
        std::size_t points = 1;
        double high = 1;
        for (std::size_t l = 0; l < lines.size(); ++l) {
            auto* series = new QLineSeries;
            series->setName(lines[l].name);
            series->setPointsVisible(true);
            series->setColor(kLineColors[l % std::size(kLineColors)]);
            for (std::size_t i = 0; i < lines[l].values.size(); ++i) {
                series->append(qreal(i + 1), lines[l].values[i]);
                high = std::max(high, lines[l].values[i]);
            }
            points = std::max(points, lines[l].values.size());
            m_chart->addSeries(series);
            series->attachAxis(x);
            series->attachAxis(y);
        }
        x->setRange(1, qreal(std::max<std::size_t>(points, 2)));
        x->setTickCount(int(std::clamp<std::size_t>(points, 2, 12)));
        y->setRange(0, high * 1.05);
        y->applyNiceNumbers();
#else
        Q_UNUSED(palette);
        m_painted->setLines(&lines, bytes ? u"bytes"_s : u"objects"_s);
#endif
    }

private:
#ifdef HEAPSCOPE_HAVE_QTCHARTS
    QChart* m_chart = nullptr;
    QChartView* m_view = nullptr;
#else
    PaintedLines* m_painted = nullptr;
#endif
};

TrendChart::TrendChart(QWidget* parent) : QWidget(parent), m_backend(std::make_unique<Backend>(this)) {
    rebuild();
}

TrendChart::~TrendChart() = default;

void TrendChart::setItems(const std::shared_ptr<const heapscope::Series>& series,
                          const std::vector<int>& classes, const std::vector<int>& leaks) {
    m_series = series;
    m_classes = classes;
    m_leaks = leaks;
    rebuild();
}

void TrendChart::setMeasure(Measure measure) {
    m_measure = measure;
    rebuild();
}

void TrendChart::rebuild() {
    m_lines.clear();
    const bool bytes = m_measure == Measure::RetainedSize;
    if (m_series) {
        for (int c : m_classes) {
            if (c < 0 || std::size_t(c) >= m_series->classes.size())
                continue;
            const auto& row = m_series->classes[std::size_t(c)];
            Line line{TextUtil::toQString(row.name), {}};
            for (std::size_t i = 0; i < row.counts.size(); ++i)
                line.values.push_back(bytes ? double(row.retainedSizes[i]) : double(row.counts[i]));
            m_lines.push_back(std::move(line));
        }
        for (int l : m_leaks) {
            if (l < 0 || std::size_t(l) >= m_series->leaks.size())
                continue;
            const auto& leak = m_series->leaks[std::size_t(l)];
            Line line{TextUtil::toQString(leak.description), {}};
            for (std::size_t i = 0; i < leak.counts.size(); ++i)
                line.values.push_back(bytes ? double(leak.retainedSizes[i]) : double(leak.counts[i]));
            m_lines.push_back(std::move(line));
        }
    }
    m_backend->draw(m_lines, bytes, palette());
}
