// SPDX-License-Identifier: MIT
#include "objectdelegate.h"

#include "models/modelroles.h"

#include <heapscope/snapshot.h>

#include <QApplication>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace {

QColor edgeColor(int kind, const QPalette& palette) {
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (heapscope::EdgeKind(kind)) {
    case heapscope::EdgeKind::Context:
        return dark ? QColor(0x99, 0xaa, 0xff) : QColor(0x1a, 0x1a, 0xa6);
    case heapscope::EdgeKind::Property:
        return dark ? QColor(0xe3, 0x6e, 0xec) : QColor(0x88, 0x12, 0x80);
    case heapscope::EdgeKind::Internal:
    case heapscope::EdgeKind::Hidden:
    case heapscope::EdgeKind::Weak:
        return palette.color(QPalette::Disabled, QPalette::Text);
    default:
        return palette.color(QPalette::Text);
    }
}

struct Segment {
    QString text;
    QColor color;
};

} // namespace

QSize ObjectDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    const QVariant percent = index.data(ModelRoles::PercentRole);
    if (percent.isValid())
        s.rwidth() += option.fontMetrics.horizontalAdvance(u"100 %  "_s);
    return s;
}

void ObjectDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const {
    const QVariant label = index.data(ModelRoles::LabelRole);
    const QVariant percent = index.data(ModelRoles::PercentRole);
    if (!label.isValid() && !percent.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    const QString fullText = opt.text;
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group =
        (opt.state & QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    const QColor textColor = selected ? opt.palette.color(group, QPalette::HighlightedText)
                                      : opt.palette.color(group, QPalette::Text);
    const bool greyed = index.data(ModelRoles::GreyedRole).toBool();
    const QColor grey = selected ? textColor : opt.palette.color(QPalette::Disabled, QPalette::Text);
    const QColor mainColor = greyed ? grey : textColor;

    QRect r = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(2, 0, -2, 0);
    painter->save();
    painter->setFont(opt.font);
    const QFontMetrics fm(opt.font);

    if (percent.isValid()) {
        const int pw = fm.horizontalAdvance(u"100 %"_s);
        const QRect pr(r.right() - pw, r.top(), pw, r.height());
        painter->setPen(grey);
        painter->drawText(pr, Qt::AlignRight | Qt::AlignVCenter, percent.toString());
        painter->setPen(mainColor);
        const QRect vr = r.adjusted(0, 0, -pw - fm.horizontalAdvance(u"  "_s), 0);
        painter->drawText(vr, Qt::AlignRight | Qt::AlignVCenter,
                          fm.elidedText(fullText, Qt::ElideLeft, vr.width()));
        painter->restore();
        return;
    }

    QList<Segment> segments;
    const QString edge = index.data(ModelRoles::EdgeNameRole).toString();
    if (!edge.isEmpty() || index.data(ModelRoles::EdgeKindRole).isValid()) {
        const QColor ec = (selected || greyed)
                              ? mainColor
                              : edgeColor(index.data(ModelRoles::EdgeKindRole).toInt(), opt.palette);
        segments.append({edge, ec});
        segments.append({u" "_s + index.data(ModelRoles::SeparatorRole).toString() + u" "_s, grey});
    }
    segments.append({label.toString(), mainColor});
    const QString id = index.data(ModelRoles::IdRole).toString();
    if (!id.isEmpty())
        segments.append({u" "_s + id, grey});
    const QString count = index.data(ModelRoles::CountRole).toString();
    if (!count.isEmpty())
        segments.append({u"  "_s + count, grey});
    if (index.data(ModelRoles::DetachedRole).toBool())
        segments.append({u"  ✂"_s, selected ? textColor : QColor(0xc0, 0x30, 0x30)});

    int x = r.left();
    for (const Segment& s : segments) {
        const int room = r.right() - x;
        if (room <= 0)
            break;
        QString t = s.text.left(2000); // a 1 MB string name is never drawn in full
        t.replace(u'\n', u'↵');
        const int w = fm.horizontalAdvance(t);
        if (w > room)
            t = fm.elidedText(t, Qt::ElideRight, room);
        painter->setPen(s.color);
        painter->drawText(QRect(x, r.top(), room, r.height()), Qt::AlignLeft | Qt::AlignVCenter, t);
        x += std::min(w, room);
    }
    painter->restore();
}
