// SPDX-License-Identifier: MIT
#include "qtchartsdonutchart.h"

#include <QChart>
#include <QChartView>
#include <QPieSeries>
#include <QPieSlice>
#include <QVBoxLayout>

QtChartsDonutChart::QtChartsDonutChart(QWidget* parent) : DonutChart(parent) {
    auto* chart = new QChart;
    chart->legend()->hide(); // the Statistics page shows its own legend with sizes
    chart->setBackgroundVisible(false);
    chart->setMargins({0, 0, 0, 0});
    m_series = new QPieSeries(chart);
    m_series->setHoleSize(0.45);
    m_series->setPieStartAngle(0);
    m_series->setPieEndAngle(360);
    chart->addSeries(m_series);
    m_view = new QChartView(chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    setMinimumSize(200, 200);
}

void QtChartsDonutChart::setSlices(const QList<ChartSlice>& slices, const QString& centreText) {
    m_series->clear();
    for (const ChartSlice& s : slices) {
        auto* slice = m_series->append(s.label, s.value);
        slice->setColor(s.color);
        slice->setBorderColor(palette().color(QPalette::Base));
        QObject::connect(slice, &QPieSlice::hovered, slice, [slice](bool on) { slice->setExploded(on); });
    }
    m_view->chart()->setTitle(centreText);
}
