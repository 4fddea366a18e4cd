// SPDX-License-Identifier: MIT
// The allocation timeline above the Summary of a .heaptimeline, as DevTools draws it: per sample
// interval a bar of the size of the live objects allocated in it; dragging selects an interval,
// which DevTools turns into an object id range for the Summary.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/allocation.h>
#endif

#include <QWidget>

#include <memory>
#include <vector>

class BackgroundJob;

class TimelineWidget : public QWidget {
    Q_OBJECT
public:
    /// Computes the samples of `analysis` on the job pool (none for a null analysis: setSamples()).
    explicit TimelineWidget(heapscope::AnalysisPtr analysis, QWidget* parent = nullptr);
    /// For tests and benchmarks: samples given directly.
    void setSamples(std::shared_ptr<const heapscope::TimelineSamples> samples);
    std::shared_ptr<const heapscope::TimelineSamples> samples() const { return m_samples; }

    /// Selects [fromMs, toMs] (times since the first sample, as the axis shows them) and emits
    /// intervalSelected with DevTools' id range.
    void selectInterval(double fromMs, double toMs);
    void clearSelection();
    bool hasSelection() const { return m_hasSelection; }
    heapscope::TimelineSelection selection() const { return m_selection; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void samplesReady();
    /// The Summary shows the objects with ids in (minId, maxId] (maxId kNoIdLimit: no upper bound).
    void intervalSelected(quint32 minId, quint32 maxId, const QString& title);
    void selectionCleared();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRect plotRect() const;
    /// Pixel column of a time since the first sample, and back.
    double xOfTime(double ms) const;
    double timeOfX(double x) const;
    /// DevTools' aggregation: per pixel column, the sizes of its samples (the first sample, the
    /// objects from before the recording, is left out as DevTools leaves it out).
    void rebucket();
    QString intervalTitle(double fromMs, double toMs) const;
    QString tooltipAt(int x) const;

    BackgroundJob* m_job;
    std::shared_ptr<const heapscope::TimelineSamples> m_samples;
    std::vector<std::uint64_t> m_bucketSize;                ///< per pixel column of the plot
    std::vector<std::uint32_t> m_bucketFirst, m_bucketLast; ///< the samples of each column
    std::uint64_t m_maxBucket = 0;
    bool m_hasSelection = false;
    bool m_dragging = false;
    double m_dragFrom = 0, m_selFrom = 0, m_selTo = 0; ///< ms since the first sample
    double m_prevFrom = 0, m_prevTo = 0;               ///< the selection before a drag began
    heapscope::TimelineSelection m_selection;
};
