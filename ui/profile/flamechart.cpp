// SPDX-License-Identifier: MIT
#include "flamechart.h"

#include "textutil.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <functional>

using namespace heapscope;
using namespace Qt::StringLiterals;

FlameChart::FlameChart(QWidget* parent) : QWidget(parent) {
    setObjectName(u"flameChart"_s);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAutoFillBackground(true);
    m_rowHeight = std::max(16, fontMetrics().height() + 4);
}

void FlameChart::setProfile(SamplingProfilePtr profile) {
    std::vector<FlameEntry> entries = profile ? flameChart(*profile) : std::vector<FlameEntry>{};
    setProfile(std::move(profile), std::move(entries));
}

void FlameChart::setProfile(SamplingProfilePtr profile, std::vector<FlameEntry> entries) {
    m_profile = std::move(profile);
    m_entries = std::move(entries);
    m_entryOf.assign(m_profile ? m_profile->nodeCount() : 0, kNoIndex);
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        m_entryOf[m_entries[i].node] = std::uint32_t(i);
    m_zoom = 0;
    m_hover = kNoIndex;
    setSearch(m_search);
    updateGeometry();
    update();
}

void FlameChart::setSearch(const QString& text) {
    m_search = text;
    m_match.assign(m_profile ? m_profile->functions.size() : 0, 1);
    if (m_profile && !text.isEmpty())
        for (std::size_t f = 0; f < m_match.size(); ++f)
            m_match[f] = TextUtil::toQString(m_profile->displayName(std::uint32_t(f)))
                             .contains(text, Qt::CaseInsensitive);
    update();
}

bool FlameChart::matches(std::uint32_t node) const {
    return m_search.isEmpty() || m_match[m_profile->function[node]];
}

void FlameChart::zoomTo(std::uint32_t node) {
    if (!m_profile || node >= m_entryOf.size() || m_entryOf[node] == kNoIndex)
        node = 0;
    m_zoom = node;
    update();
}

QSize FlameChart::sizeHint() const {
    const int levels = m_profile ? int(m_profile->maxDepth) + 1 : 1;
    return {800, std::max(200, levels * m_rowHeight + 2)};
}

QSize FlameChart::minimumSizeHint() const {
    const int levels = m_profile ? int(m_profile->maxDepth) + 1 : 1;
    return {200, levels * m_rowHeight + 2};
}

QRectF FlameChart::nodeRect(std::uint32_t node) const {
    if (!m_profile || node >= m_entryOf.size() || m_entryOf[node] == kNoIndex || m_entries.empty())
        return {};
    const FlameEntry& zoom = m_entries[m_entryOf[m_zoom]];
    const double span = double(std::max<std::uint64_t>(m_profile->totalSize[m_zoom], 1));
    const FlameEntry& e = m_entries[m_entryOf[node]];
    const double from = double(e.start) - double(zoom.start);
    const double to = from + double(m_profile->totalSize[node]);
    if (to <= 0 || from >= span)
        return {};
    // nodes above the zoomed one stay on their rows, spanning the width
    const double w = width();
    const double x0 = std::max(0.0, from / span * w), x1 = std::min(w, to / span * w);
    if (x1 - x0 < 0.5)
        return {};
    return QRectF(x0, double(e.level) * m_rowHeight, x1 - x0, m_rowHeight - 1);
}

std::uint32_t FlameChart::nodeAt(const QPoint& pos) const {
    if (!m_profile || m_entries.empty() || pos.y() < 0)
        return kNoIndex;
    const auto level = std::uint32_t(pos.y() / m_rowHeight);
    // walk down from the head along the child under the x position
    std::uint32_t n = 0;
    if (level == 0)
        return nodeRect(0).contains(pos) ? 0 : kNoIndex;
    for (std::uint32_t l = 1; l <= level; ++l) {
        std::uint32_t next = kNoIndex;
        for (std::uint32_t c = m_profile->childStart[n]; c < m_profile->childStart[n + 1]; ++c) {
            const std::uint32_t child = m_profile->childList[c];
            const QRectF r = nodeRect(child);
            if (!r.isEmpty() && pos.x() >= r.left() && pos.x() < r.right() + 0.5) {
                next = child;
                break;
            }
        }
        if (next == kNoIndex)
            return kNoIndex;
        n = next;
    }
    return n;
}

QColor FlameChart::colorFor(std::uint32_t node) const {
    // one hue per script, a lightness per function: frames of one file read as one family
    const ProfileFunction& f = m_profile->functions[m_profile->function[node]];
    const std::size_t script = std::hash<std::string>{}(m_profile->strings[f.url]);
    const std::size_t fn = std::hash<std::string>{}(m_profile->strings[f.name]) ^ std::size_t(f.line);
    const int hue = m_profile->strings[f.url].empty() ? 30 : int(script % 300) + 30;
    QColor c = QColor::fromHsl(hue % 360, 110 + int(fn % 60), 150 + int((fn >> 8) % 50));
    if (!matches(node))
        c = QColor::fromHsl(c.hslHue(), 15, 225);
    return c;
}

void FlameChart::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (!m_profile || m_entries.empty()) {
        painter.drawText(rect(), Qt::AlignCenter, tr("No allocations in this profile"));
        return;
    }
    const QFontMetrics fm = fontMetrics();
    for (const FlameEntry& e : m_entries) {
        const QRectF r = nodeRect(e.node);
        if (r.isEmpty() || r.top() > height())
            continue;
        const bool head = e.node == 0;
        QColor fill = head ? palette().color(QPalette::Mid) : colorFor(e.node);
        if (e.node == m_hover)
            fill = fill.darker(115);
        painter.fillRect(r, fill);
        if (r.width() > 1.5) {
            painter.setPen(palette().color(QPalette::Base));
            painter.drawLine(r.topRight(), r.bottomRight());
        }
        if (r.width() > 30) {
            const QString name =
                head ? tr("(root) %1").arg(TextUtil::bytesAdaptive(m_profile->totalBytes()))
                     : TextUtil::toQString(m_profile->displayName(m_profile->function[e.node]));
            const QString text = fm.elidedText(name, Qt::ElideRight, int(r.width()) - 6);
            painter.setPen(matches(e.node) || head ? QColor(0x20, 0x20, 0x20) : QColor(0x90, 0x90, 0x90));
            painter.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
        }
    }
}

void FlameChart::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    const std::uint32_t n = nodeAt(event->position().toPoint());
    if (n == kNoIndex)
        return;
    zoomTo(n);
    Q_EMIT nodeActivated(n);
}

void FlameChart::mouseDoubleClickEvent(QMouseEvent* event) {
    if (!m_profile)
        return;
    // one level out
    const std::uint32_t up = m_zoom == 0 ? 0 : m_profile->parent[m_zoom];
    zoomTo(up == kNoIndex ? 0 : up);
    event->accept();
}

void FlameChart::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && m_zoom != 0) {
        zoomTo(0);
        return;
    }
    QWidget::keyPressEvent(event);
}

void FlameChart::mouseMoveEvent(QMouseEvent* event) {
    const std::uint32_t n = nodeAt(event->position().toPoint());
    if (n != m_hover) {
        m_hover = n;
        update();
        Q_EMIT nodeHovered(n);
    }
}

bool FlameChart::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_profile) {
        auto* help = static_cast<QHelpEvent*>(event);
        const std::uint32_t n = nodeAt(help->pos());
        if (n == kNoIndex) {
            QToolTip::hideText();
            return true;
        }
        const SamplingProfile& p = *m_profile;
        QString tip = TextUtil::toQString(p.displayName(p.function[n]));
        const QString where = TextUtil::toQString(p.location(p.function[n]));
        if (!where.isEmpty())
            tip += u'\n' + where;
        tip += tr("\nSelf size %1\nTotal size %2 (%3 % of the profile)\n%4 samples")
                   .arg(TextUtil::exactBytes(p.selfSize[n]), TextUtil::exactBytes(p.totalSize[n]),
                        QString::number(
                            p.totalBytes() ? 100.0 * double(p.totalSize[n]) / double(p.totalBytes()) : 0, 'f',
                            2),
                        TextUtil::grouped(p.sampleCount[n]));
        QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(event);
}
