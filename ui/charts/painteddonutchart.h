// SPDX-License-Identifier: MIT
// A donut drawn with QPainter: the Statistics chart when Qt Charts is not available.
#pragma once

#include "donutchart.h"

class PaintedDonutChart : public DonutChart {
    Q_OBJECT
public:
    explicit PaintedDonutChart(QWidget* parent = nullptr);
    void setSlices(const QList<ChartSlice>& slices, const QString& centreText) override;
    QSize sizeHint() const override { return {320, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<ChartSlice> m_slices;
    QString m_centre;
};
