// SPDX-License-Identifier: MIT
// The Statistics categories as a table (the chart's legend and data).
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#endif

#include <QAbstractTableModel>
#include <QColor>

class StatisticsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { CategoryColumn, SizeColumn, PercentColumn, ColumnCount };
    enum Role { ColorRole = Qt::UserRole + 1, BytesRole };

    explicit StatisticsModel(QObject* parent = nullptr);
    void setAnalysis(heapscope::AnalysisPtr analysis);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    std::uint64_t total() const { return m_total; }
    struct Category {
        QString name;
        std::uint64_t bytes;
        QColor color;
    };
    const QList<Category>& categories() const { return m_categories; }

private:
    QList<Category> m_categories;
    std::uint64_t m_total = 0;
};
