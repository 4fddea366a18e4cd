// SPDX-License-Identifier: MIT
#include "timelinewidget.h"

#include "jobs/backgroundjob.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
constexpr int kAxisHeight = 16;
constexpr int kMargin = 4;

QString seconds(double ms) {
    return QString::number(ms / 1000, 'f', ms < 10000 ? 2 : 1) + u" s"_s;
}
} // namespace

TimelineWidget::TimelineWidget(heapscope::AnalysisPtr analysis, QWidget* parent)
    : QWidget(parent), m_job(new BackgroundJob(this)) {
    setObjectName(u"allocationTimeline"_s);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(true);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag to show only the objects allocated in an interval; double-click to show all"));
    if (!analysis)
        return;
    using Samples = std::shared_ptr<const heapscope::TimelineSamples>;
    m_job->start(
        [analysis](JobContext&) -> Samples {
            return std::make_shared<const heapscope::TimelineSamples>(heapscope::timelineSamples(*analysis));
        },
        [this](Samples samples) { setSamples(std::move(samples)); });
}

void TimelineWidget::setSamples(std::shared_ptr<const heapscope::TimelineSamples> samples) {
    m_samples = std::move(samples);
    rebucket();
    update();
    Q_EMIT samplesReady();
}

QSize TimelineWidget::sizeHint() const {
    return {600, 110};
}

QSize TimelineWidget::minimumSizeHint() const {
    return {200, 70};
}

QRect TimelineWidget::plotRect() const {
    return rect().adjusted(kMargin, kMargin, -kMargin, -kAxisHeight);
}

double TimelineWidget::xOfTime(double ms) const {
    const QRect p = plotRect();
    const double total = m_samples ? m_samples->totalTimeMs() : 10000;
    return p.left() + ms * p.width() / total;
}

double TimelineWidget::timeOfX(double x) const {
    const QRect p = plotRect();
    const double total = m_samples ? m_samples->totalTimeMs() : 10000;
    return std::clamp((x - p.left()) / std::max(1, p.width()), 0.0, 1.0) * total;
}

void TimelineWidget::rebucket() {
    const int width = std::max(1, plotRect().width());
    m_bucketSize.assign(std::size_t(width) + 1, 0);
    m_bucketFirst.assign(std::size_t(width) + 1, UINT32_MAX);
    m_bucketLast.assign(std::size_t(width) + 1, 0);
    m_maxBucket = 0;
    if (!m_samples || m_samples->empty())
        return;
    const auto& ts = m_samples->timestampsMs;
    const double start = ts.front(), scale = width / m_samples->totalTimeMs();
    for (std::size_t i = 1; i < ts.size(); ++i) {
        const auto x = std::size_t(std::clamp(std::floor((ts[i] - start) * scale), 0.0, double(width)));
        m_bucketSize[x] += m_samples->sizes[i];
        m_bucketFirst[x] = std::min(m_bucketFirst[x], std::uint32_t(i));
        m_bucketLast[x] = std::uint32_t(i);
    }
    for (const std::uint64_t s : m_bucketSize)
        m_maxBucket = std::max(m_maxBucket, s);
}

void TimelineWidget::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    rebucket();
}

void TimelineWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.base());
    const QRect plot = plotRect();
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    if (!m_samples) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("Reading the timeline…"));
        return;
    }
    if (m_samples->empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("This file has no timeline samples"));
        return;
    }
    // Time axis: a tick every 1, 2 or 5 × 10^k ms, about every 80 pixels.
    const double total = m_samples->totalTimeMs();
    const double wanted = total * 80 / std::max(1, plot.width());
    double step = std::pow(10.0, std::floor(std::log10(std::max(wanted, 1.0))));
    for (const double f : {1.0, 2.0, 5.0, 10.0})
        if (step * f >= wanted) {
            step *= f;
            break;
        }
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    for (double t = 0; t <= total + 0.5; t += step) {
        const int x = int(std::lround(xOfTime(t)));
        p.setPen(pal.color(QPalette::Midlight));
        p.drawLine(x, plot.top(), x, plot.bottom());
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(QRect(x + 2, plot.bottom() + 1, 80, kAxisHeight - 1), Qt::AlignLeft | Qt::AlignVCenter,
                   seconds(t));
    }
    // Bars: the live size allocated in each pixel column (DevTools' scale: the biggest at 1/1.1).
    const double yScale = m_maxBucket ? plot.height() / (double(m_maxBucket) * 1.1) : 0;
    if (yScale > 0) {
        // DevTools' grid line: a round value k × 10^n × 1024^m.
        const double maxGrid = plot.height() / yScale;
        double grid = std::pow(1024.0, std::floor(std::log(maxGrid) / std::log(1024.0)));
        grid *= std::pow(10.0, std::floor(std::log10(maxGrid / grid)));
        if (grid * 5 <= maxGrid)
            grid *= 5;
        const int gy = int(std::lround(plot.bottom() - grid * yScale));
        p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
        p.drawLine(plot.left(), gy, plot.right(), gy);
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(QRect(plot.left() + 2, gy - 14, 120, 13), Qt::AlignLeft | Qt::AlignBottom,
                   TextUtil::toQString(heapscope::format::bytesAdaptive(std::uint64_t(grid))));
    }
    if (m_maxBucket == 0) {
        // DevTools draws from the second sample on: the first holds what existed before recording.
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter,
                   m_samples->timestampsMs.size() < 2
                       ? tr("The recording has a single sample: no interval to draw")
                       : tr("No live object was allocated while the timeline was recorded"));
        return;
    }
    const QColor bar = pal.color(QPalette::Highlight);
    p.setPen(QPen(bar, 2));
    for (std::size_t x = 0; x < m_bucketSize.size(); ++x) {
        if (!m_bucketSize[x])
            continue;
        const int px = plot.left() + int(x);
        const int h = std::max(1, int(std::lround(double(m_bucketSize[x]) * yScale)));
        p.drawLine(px, plot.bottom(), px, plot.bottom() - h);
    }
    // The selection: everything outside it dimmed, its bounds drawn.
    const bool showSel = m_hasSelection || m_dragging;
    if (showSel) {
        const int x0 = int(std::lround(xOfTime(std::min(m_selFrom, m_selTo))));
        const int x1 = int(std::lround(xOfTime(std::max(m_selFrom, m_selTo))));
        QColor dim = pal.color(QPalette::Window);
        dim.setAlpha(170);
        p.fillRect(QRect(QPoint(plot.left(), plot.top()), QPoint(x0, plot.bottom())), dim);
        p.fillRect(QRect(QPoint(x1, plot.top()), QPoint(plot.right(), plot.bottom())), dim);
        p.setPen(QPen(pal.color(QPalette::Text), 1));
        p.drawLine(x0, plot.top(), x0, plot.bottom());
        p.drawLine(x1, plot.top(), x1, plot.bottom());
    }
    p.setPen(pal.color(QPalette::Text));
    QString caption;
    if (m_hasSelection && !m_dragging) {
        caption = tr("Selected %1: %2 of live objects — the Summary shows the objects allocated in it")
                      .arg(intervalTitle(m_selFrom, m_selTo),
                           TextUtil::toQString(heapscope::format::bytesAdaptive(m_selection.size)));
    } else if (!m_dragging) {
        caption = tr("Allocation timeline: live size allocated per interval. Drag to select an interval.");
    }
    p.drawText(plot.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignTop, caption);
}

QString TimelineWidget::intervalTitle(double fromMs, double toMs) const {
    return tr("%1 – %2").arg(seconds(std::min(fromMs, toMs)), seconds(std::max(fromMs, toMs)));
}

void TimelineWidget::selectInterval(double fromMs, double toMs) {
    if (!m_samples || m_samples->empty())
        return;
    m_selFrom = std::min(fromMs, toMs);
    m_selTo = std::max(fromMs, toMs);
    m_hasSelection = true;
    // DevTools (HeapTimelineOverview.updateGrid): the window's times are startTime + totalTime × ratio.
    const double start = m_samples->timestampsMs.front();
    m_selection = heapscope::selectTimeline(*m_samples, start + m_selFrom, start + m_selTo);
    update();
    Q_EMIT intervalSelected(
        m_selection.minId, m_selection.maxId,
        tr("Objects allocated in %1 of the timeline").arg(intervalTitle(m_selFrom, m_selTo)));
}

void TimelineWidget::clearSelection() {
    if (!m_hasSelection)
        return;
    m_hasSelection = false;
    m_selection = {};
    update();
    Q_EMIT selectionCleared();
}

void TimelineWidget::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_samples || m_samples->empty())
        return QWidget::mousePressEvent(event);
    m_dragging = true;
    m_prevFrom = m_selFrom;
    m_prevTo = m_selTo;
    m_dragFrom = timeOfX(event->position().x());
    m_selFrom = m_selTo = m_dragFrom;
    update();
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* event) {
    if (!m_dragging)
        return QWidget::mouseMoveEvent(event);
    m_selTo = timeOfX(event->position().x());
    m_selFrom = m_dragFrom;
    update();
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging)
        return QWidget::mouseReleaseEvent(event);
    m_dragging = false;
    const double to = timeOfX(event->position().x());
    if (std::abs(xOfTime(to) - xOfTime(m_dragFrom)) < 3) {
        // A click, not a drag: the selection stays as it was.
        m_selFrom = m_prevFrom;
        m_selTo = m_prevTo;
        update();
        return;
    }
    selectInterval(m_dragFrom, to);
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent*) {
    m_dragging = false;
    clearSelection();
}

void TimelineWidget::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && m_hasSelection) {
        clearSelection();
        return;
    }
    QWidget::keyPressEvent(event);
}

QString TimelineWidget::tooltipAt(int x) const {
    const QRect plot = plotRect();
    const int col = x - plot.left();
    if (!m_samples || col < 0 || col >= int(m_bucketSize.size()) ||
        m_bucketFirst[std::size_t(col)] == UINT32_MAX)
        return {};
    const std::uint32_t first = m_bucketFirst[std::size_t(col)], last = m_bucketLast[std::size_t(col)];
    const auto& s = *m_samples;
    std::uint64_t live = 0;
    for (std::uint32_t i = first; i <= last; ++i)
        live += s.liveCounts[i];
    // JavaScript objects get odd ids two apart, when a sample after their allocation sees them.
    const std::uint64_t seen = (std::uint64_t(s.lastAssignedIds[last]) - s.lastAssignedIds[first - 1]) / 2;
    const double start = s.timestampsMs.front();
    QString text =
        tr("%1 – %2\n%3 in %4 live objects allocated here")
            .arg(seconds(s.timestampsMs[first - 1] - start), seconds(s.timestampsMs[last] - start),
                 TextUtil::toQString(heapscope::format::bytesAdaptive(m_bucketSize[std::size_t(col)])),
                 TextUtil::toQString(heapscope::format::grouped(live)));
    if (seen >= live)
        text += u'\n' + tr("%1 objects got an id here; %2 of them are gone (freed)")
                            .arg(TextUtil::toQString(heapscope::format::grouped(seen)),
                                 TextUtil::toQString(heapscope::format::grouped(seen - live)));
    return text;
}

bool TimelineWidget::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos().x());
        if (text.isEmpty())
            QToolTip::showText(help->globalPos(), toolTip(), this);
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}
