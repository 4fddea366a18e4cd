// SPDX-License-Identifier: MIT
// A small line of a row's values over the series (TrendRoles::SparklineRole), drawn in the cell.
#pragma once

#include <QStyledItemDelegate>

class SparklineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};
