// SPDX-License-Identifier: MIT
// A line chart of the selected classes (or leak groups) over the series: counts or retained sizes
// per snapshot. Qt Charts when the build has it, painted with QPainter otherwise.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/series.h>
#endif

#include <QWidget>

#include <memory>
#include <vector>

class QStackedLayout;

class TrendChart : public QWidget {
    Q_OBJECT
public:
    enum class Measure { Count, RetainedSize };
    /// One line: a name and a value per snapshot.
    struct Line {
        QString name;
        std::vector<double> values;
    };

    explicit TrendChart(QWidget* parent = nullptr);
    ~TrendChart() override;

    /// The classes (indexes into Series::classes) and leak groups (into Series::leaks) to draw.
    void setItems(const std::shared_ptr<const heapscope::Series>& series, const std::vector<int>& classes,
                  const std::vector<int>& leaks);
    void setMeasure(Measure measure);
    Measure measure() const { return m_measure; }
    /// What is drawn now (for tests and the accessible description).
    const std::vector<Line>& lines() const { return m_lines; }

private:
    void rebuild();

    std::shared_ptr<const heapscope::Series> m_series;
    std::vector<int> m_classes;
    std::vector<int> m_leaks;
    Measure m_measure = Measure::Count;
    std::vector<Line> m_lines;
    class Backend;
    std::unique_ptr<Backend> m_backend;
};
