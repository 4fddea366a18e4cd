// SPDX-License-Identifier: MIT
// The samples of a sampling heap profile along their ordinals (the order V8 took them in), as bars
// of the bytes they stand for; dragging selects a range of ordinals, and the views then show what
// DevTools shows for that selection. Double-click or Esc selects everything again.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include <QWidget>

#include <vector>

class SampleStrip : public QWidget {
    Q_OBJECT
public:
    explicit SampleStrip(QWidget* parent = nullptr);

    void setProfile(heapscope::SamplingProfilePtr profile);
    /// Whether the profile has samples with more than one ordinal (else there is nothing to select).
    bool hasRange() const { return m_lastOrdinal > m_firstOrdinal; }
    std::uint64_t firstOrdinal() const { return m_firstOrdinal; }
    std::uint64_t lastOrdinal() const { return m_lastOrdinal; }
    /// The ordinal at an x position of the widget.
    std::uint64_t ordinalAt(int x) const;
    /// The selection; both 0 when everything is selected.
    std::uint64_t selectionMin() const { return m_selMin; }
    std::uint64_t selectionMax() const { return m_selMax; }
    void setSelection(std::uint64_t minOrdinal, std::uint64_t maxOrdinal);

    QSize sizeHint() const override { return {600, 44}; }
    QSize minimumSizeHint() const override { return {100, 36}; }

Q_SIGNALS:
    /// The user chose a range of ordinals (both 0: everything).
    void rangeSelected(std::uint64_t minOrdinal, std::uint64_t maxOrdinal);

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
    void rebin();
    double xOf(std::uint64_t ordinal) const;

    heapscope::SamplingProfilePtr m_profile;
    std::uint64_t m_firstOrdinal = 0, m_lastOrdinal = 0;
    std::vector<std::uint64_t> m_bins; // bytes per pixel column
    std::vector<std::uint32_t> m_binSamples;
    std::uint64_t m_binMax = 0;
    std::uint64_t m_selMin = 0, m_selMax = 0;
    int m_dragFrom = -1, m_dragTo = -1;
};
