// SPDX-License-Identifier: MIT
// The flame chart of a sampling heap profile, painted: DevTools' HeapFlameChartDataProvider layout
// (the head on the top row, each node below its caller, as wide as its total size, children side
// by side in file order). Click a frame to zoom to it, double-click or Escape to zoom out; frames
// whose function matches the search keep their colour, the others fade.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include <QWidget>

#include <vector>

class FlameChart : public QWidget {
    Q_OBJECT
public:
    explicit FlameChart(QWidget* parent = nullptr);

    void setProfile(heapscope::SamplingProfilePtr profile);
    /// With the entries already made (flameChart(), e.g. on a worker thread).
    void setProfile(heapscope::SamplingProfilePtr profile, std::vector<heapscope::FlameEntry> entries);
    void setSearch(const QString& text);
    /// Zooms to a node's span (the head: everything).
    void zoomTo(std::uint32_t node);
    std::uint32_t zoomNode() const { return m_zoom; }
    /// The node painted at a point of the widget, or kNoIndex.
    std::uint32_t nodeAt(const QPoint& pos) const;
    /// Where a node is painted (empty when it is outside the zoomed span or too thin to paint).
    QRectF nodeRect(std::uint32_t node) const;
    int rowHeight() const { return m_rowHeight; }
    std::size_t entryCount() const { return m_entries.size(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// A frame was clicked (the node is then the zoom).
    void nodeActivated(std::uint32_t node);
    /// The mouse is over a node (kNoIndex when over nothing).
    void nodeHovered(std::uint32_t node);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    QColor colorFor(std::uint32_t node) const;
    bool matches(std::uint32_t node) const;

    heapscope::SamplingProfilePtr m_profile;
    std::vector<heapscope::FlameEntry> m_entries;
    std::vector<std::uint32_t> m_entryOf; // node -> index into m_entries (kNoIndex when hidden)
    std::vector<char> m_match;            // per function: its name holds the search text
    QString m_search;
    std::uint32_t m_zoom = 0;
    std::uint32_t m_hover = heapscope::kNoIndex;
    int m_rowHeight = 18;
};
