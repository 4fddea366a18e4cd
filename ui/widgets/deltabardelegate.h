// SPDX-License-Identifier: MIT
// A signed value drawn as a bar from the cell's centre line: growth to the right, shrinkage to the left.
#pragma once

#include <QStyledItemDelegate>

class DeltaBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    static QColor growthColor();
    static QColor shrinkColor();
};
