// SPDX-License-Identifier: MIT
#include "series/sparklinedelegate.h"

#include "series/trendmodels.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const {
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QStyle* style = background.widget ? background.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, background.widget);

    const QList<qreal> values = index.data(TrendRoles::SparklineRole).value<QList<qreal>>();
    if (values.size() < 2)
        return;
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    const qreal span = *high - *low;
    const QRectF area = QRectF(option.rect).adjusted(4, 4, -4, -4);
    QPainterPath line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const qreal x = area.left() + area.width() * qreal(i) / qreal(values.size() - 1);
        const qreal y =
            span > 0 ? area.bottom() - area.height() * (values[i] - *low) / span : area.center().y();
        if (i == 0)
            line.moveTo(x, y);
        else
            line.lineTo(x, y);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option.state & QStyle::State_Selected;
    QPen pen(selected ? option.palette.color(QPalette::HighlightedText)
                      : option.palette.color(QPalette::Link),
             1.5);
    painter->setPen(pen);
    painter->drawPath(line);
    painter->setBrush(pen.color());
    painter->drawEllipse(line.currentPosition(), 2, 2);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), 72));
    return size;
}
