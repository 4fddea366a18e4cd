// SPDX-License-Identifier: MIT
// The Statistics donut with Qt Charts (animations, hover highlighting).
#pragma once

#include "donutchart.h"

class QChartView;
class QPieSeries;

class QtChartsDonutChart : public DonutChart {
    Q_OBJECT
public:
    explicit QtChartsDonutChart(QWidget* parent = nullptr);
    void setSlices(const QList<ChartSlice>& slices, const QString& centreText) override;
    QSize sizeHint() const override { return {360, 360}; }

private:
    QChartView* m_view = nullptr;
    QPieSeries* m_series = nullptr;
};
