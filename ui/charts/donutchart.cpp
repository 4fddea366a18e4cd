// SPDX-License-Identifier: MIT
#include "donutchart.h"

#include "painteddonutchart.h"
#ifdef HEAPSCOPE_HAVE_QTCHARTS
#include "qtchartsdonutchart.h"
#endif

DonutChart* DonutChart::create(QWidget* parent) {
#ifdef HEAPSCOPE_HAVE_QTCHARTS
    return new QtChartsDonutChart(parent);
#else
    return new PaintedDonutChart(parent);
#endif
}

bool DonutChart::hasQtCharts() {
#ifdef HEAPSCOPE_HAVE_QTCHARTS
    return true;
#else
    return false;
#endif
}
