// SPDX-License-Identifier: MIT
// The small chart interface the Statistics view draws through, so Qt Charts stays optional.
#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

struct ChartSlice {
    QString label;
    double value = 0;
    QColor color;
};

class DonutChart : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    /// Replaces the slices; `centreText` is drawn in the hole (the total).
    virtual void setSlices(const QList<ChartSlice>& slices, const QString& centreText) = 0;

    /// A Qt Charts donut when the program was built with Qt Charts, a painted one otherwise.
    static DonutChart* create(QWidget* parent = nullptr);
    static bool hasQtCharts();
};
