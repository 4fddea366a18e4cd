// SPDX-License-Identifier: MIT
#include "deltabardelegate.h"

#include "models/modelroles.h"

#include <QApplication>
#include <QPainter>

#include <cmath>

QColor DeltaBarDelegate::growthColor() {
    return QColor(0xe0, 0x60, 0x50);
}

QColor DeltaBarDelegate::shrinkColor() {
    return QColor(0x40, 0xa0, 0x60);
}

void DeltaBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    const QVariant value = index.data(ModelRoles::DeltaRole);
    const qlonglong maxMagnitude = index.data(ModelRoles::DeltaMaxRole).toLongLong();
    if (value.isValid() && maxMagnitude > 0) {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        // Background and selection first, then the bar under the text.
        const QString text = opt.text;
        opt.text.clear();
        const QWidget* widget = opt.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

        const qlonglong v = value.toLongLong();
        const QRect r = option.rect.adjusted(2, 3, -2, -3);
        const int centre = r.center().x();
        const double share =
            std::sqrt(double(std::llabs(v)) / double(maxMagnitude)); // small deltas stay visible
        const int len = int(share * (r.width() / 2));
        painter->save();
        painter->setPen(Qt::NoPen);
        QColor c = v >= 0 ? growthColor() : shrinkColor();
        c.setAlpha(110);
        painter->setBrush(c);
        if (v > 0)
            painter->drawRect(QRect(centre, r.top(), std::max(1, len), r.height()));
        else if (v < 0)
            painter->drawRect(QRect(centre - len, r.top(), std::max(1, len), r.height()));
        painter->setPen(opt.palette.color(QPalette::Mid));
        painter->drawLine(centre, option.rect.top(), centre, option.rect.bottom());
        const bool selected = opt.state & QStyle::State_Selected;
        QColor tc =
            selected ? opt.palette.color(QPalette::HighlightedText) : opt.palette.color(QPalette::Text);
        painter->setPen(tc);
        painter->drawText(option.rect.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
        painter->restore();
        return;
    }
    QStyledItemDelegate::paint(painter, option, index);
}
