// SPDX-License-Identifier: MIT
#include "samplestrip.h"

#include "textutil.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace heapscope;
using namespace Qt::StringLiterals;

SampleStrip::SampleStrip(QWidget* parent) : QWidget(parent) {
    setObjectName(u"sampleStrip"_s);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(true);
    setCursor(Qt::IBeamCursor);
}

void SampleStrip::setProfile(SamplingProfilePtr profile) {
    m_profile = std::move(profile);
    m_firstOrdinal = m_lastOrdinal = 0;
    bool any = false;
    if (m_profile)
        for (std::size_t s = 0; s < m_profile->sampleNode.size(); ++s) {
            if (m_profile->sampleNode[s] == kNoIndex)
                continue;
            const std::uint64_t o = m_profile->sampleOrdinal[s];
            m_firstOrdinal = any ? std::min(m_firstOrdinal, o) : o;
            m_lastOrdinal = any ? std::max(m_lastOrdinal, o) : o;
            any = true;
        }
    m_selMin = m_selMax = 0;
    rebin();
    update();
}

double SampleStrip::xOf(std::uint64_t ordinal) const {
    const double span = double(m_lastOrdinal - m_firstOrdinal + 1);
    return double(ordinal - m_firstOrdinal) / span * width();
}

std::uint64_t SampleStrip::ordinalAt(int x) const {
    if (!hasRange() || width() <= 0)
        return m_firstOrdinal;
    const double span = double(m_lastOrdinal - m_firstOrdinal + 1);
    const double f = std::clamp(double(x) / width(), 0.0, 1.0);
    return std::min(m_lastOrdinal, m_firstOrdinal + std::uint64_t(std::floor(f * span)));
}

void SampleStrip::rebin() {
    const int w = std::max(1, width());
    m_bins.assign(std::size_t(w), 0);
    m_binSamples.assign(std::size_t(w), 0);
    m_binMax = 0;
    if (!m_profile || !hasRange())
        return;
    for (std::size_t s = 0; s < m_profile->sampleNode.size(); ++s) {
        if (m_profile->sampleNode[s] == kNoIndex)
            continue;
        const int x = std::clamp(int(xOf(m_profile->sampleOrdinal[s])), 0, w - 1);
        m_bins[std::size_t(x)] += m_profile->sampleSize[s];
        ++m_binSamples[std::size_t(x)];
    }
    m_binMax = *std::max_element(m_bins.begin(), m_bins.end());
}

void SampleStrip::setSelection(std::uint64_t minOrdinal, std::uint64_t maxOrdinal) {
    m_selMin = minOrdinal;
    m_selMax = maxOrdinal;
    update();
}

void SampleStrip::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    rebin();
}

void SampleStrip::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (!hasRange()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No sample ordinals to select from"));
        return;
    }
    const bool selected = m_selMin != 0 || m_selMax != 0 || m_dragFrom >= 0;
    double selX0 = 0, selX1 = width();
    if (m_dragFrom >= 0) {
        selX0 = std::min(m_dragFrom, m_dragTo);
        selX1 = std::max(m_dragFrom, m_dragTo) + 1;
    } else if (selected) {
        selX0 = xOf(std::max(m_selMin, m_firstOrdinal));
        selX1 = xOf(std::min(m_selMax == 0 ? m_lastOrdinal : m_selMax, m_lastOrdinal) + 1);
    }
    const QColor bar = palette().color(QPalette::Highlight);
    const QColor faded = palette().color(QPalette::Mid);
    const int h = height() - 2;
    for (int x = 0; x < int(m_bins.size()); ++x) {
        if (!m_bins[std::size_t(x)])
            continue;
        // square root scale: one big sample does not flatten the rest
        const int barH = std::max(1, int(std::sqrt(double(m_bins[std::size_t(x)]) / double(m_binMax)) * h));
        const bool in = !selected || (x + 1 > selX0 && x < selX1);
        painter.fillRect(QRect(x, height() - barH, 1, barH), in ? bar : faded);
    }
    if (selected) {
        QColor shade = palette().color(QPalette::Highlight);
        shade.setAlpha(40);
        painter.fillRect(QRectF(selX0, 0, selX1 - selX0, height()), shade);
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

void SampleStrip::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !hasRange())
        return QWidget::mousePressEvent(event);
    m_dragFrom = m_dragTo = event->position().toPoint().x();
    update();
}

void SampleStrip::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragFrom >= 0) {
        m_dragTo = std::clamp(event->position().toPoint().x(), 0, width() - 1);
        update();
    }
}

void SampleStrip::mouseReleaseEvent(QMouseEvent* event) {
    if (m_dragFrom < 0 || event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    const int a = std::min(m_dragFrom, m_dragTo), b = std::max(m_dragFrom, m_dragTo);
    m_dragFrom = m_dragTo = -1;
    if (b - a < 2) { // a click, not a drag: keep the selection
        update();
        return;
    }
    // the columns' ordinals, from the first of the left one to the last of the right one
    const std::uint64_t lo = ordinalAt(a);
    const std::uint64_t hi = b + 1 >= width() ? m_lastOrdinal : ordinalAt(b + 1) - 1;
    setSelection(lo, std::max<std::uint64_t>(hi, std::max<std::uint64_t>(lo, 1)));
    Q_EMIT rangeSelected(m_selMin, m_selMax);
}

void SampleStrip::mouseDoubleClickEvent(QMouseEvent*) {
    setSelection(0, 0);
    Q_EMIT rangeSelected(0, 0);
}

void SampleStrip::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && (m_selMin || m_selMax)) {
        setSelection(0, 0);
        Q_EMIT rangeSelected(0, 0);
        return;
    }
    QWidget::keyPressEvent(event);
}

bool SampleStrip::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip && hasRange()) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int x = std::clamp(help->pos().x(), 0, int(m_bins.size()) - 1);
        QToolTip::showText(help->globalPos(),
                           tr("Samples %1 to %2: %3 samples, %4\nDrag to see only a part of the recording; "
                              "double-click or Esc for all of it.")
                               .arg(ordinalAt(x))
                               .arg(ordinalAt(x + 1))
                               .arg(m_binSamples[std::size_t(x)])
                               .arg(TextUtil::bytesAdaptive(m_bins[std::size_t(x)])),
                           this);
        return true;
    }
    return QWidget::event(event);
}
