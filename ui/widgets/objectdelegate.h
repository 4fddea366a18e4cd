// SPDX-License-Identifier: MIT
// Paints heap rows as DevTools does: coloured edge names, greyed ids and counts, sizes with percents.
#pragma once

#include <QStyledItemDelegate>

class ObjectDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};
