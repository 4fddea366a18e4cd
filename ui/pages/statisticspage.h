// SPDX-License-Identifier: MIT
// The Statistics perspective: where the bytes are, by category.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#endif

#include <QWidget>

class DonutChart;
class QLabel;
class QTreeView;
class StatisticsModel;

class StatisticsPage : public QWidget {
    Q_OBJECT
public:
    StatisticsPage(heapscope::AnalysisPtr analysis, QWidget* parent = nullptr);
    StatisticsModel* model() const { return m_model; }

private:
    StatisticsModel* m_model;
    DonutChart* m_chart;
    QTreeView* m_legend;
    QLabel* m_total;
};
