// SPDX-License-Identifier: MIT
#include "snapshotlistmodel.h"

#include "snapshotsession.h"
#include "textutil.h"

#include <QApplication>
#include <QFont>
#include <QFontMetrics>
#include <QPainter>
#include <QPalette>
#include <QStyle>

using namespace Qt::StringLiterals;

SnapshotListModel::SnapshotListModel(SnapshotSession* session, QObject* parent)
    : QAbstractListModel(parent), m_session(session) {
    connect(session, &SnapshotSession::documentAdded, this, [this](SnapshotDocument* doc) {
        // The session appended it already; announce the last row.
        const int row = m_session->indexOf(doc);
        beginInsertRows({}, row, row);
        endInsertRows();
    });
    connect(session, &SnapshotSession::documentAboutToBeRemoved, this, [this](SnapshotDocument* doc) {
        const int row = m_session->indexOf(doc);
        beginRemoveRows({}, row, row);
    });
    connect(session, &SnapshotSession::documentRemoved, this, [this] { endRemoveRows(); });
    connect(session, &SnapshotSession::documentChanged, this, [this](SnapshotDocument* doc) {
        const QModelIndex idx = indexOf(doc);
        if (idx.isValid())
            Q_EMIT dataChanged(idx, idx);
    });
}

int SnapshotListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_session->documents().size());
}

SnapshotDocument* SnapshotListModel::document(const QModelIndex& index) const {
    if (!index.isValid() || index.row() >= m_session->documents().size())
        return nullptr;
    return m_session->documents().at(index.row());
}

QModelIndex SnapshotListModel::indexOf(const SnapshotDocument* doc) const {
    const int row = m_session->indexOf(doc);
    return row < 0 ? QModelIndex() : index(row);
}

QVariant SnapshotListModel::data(const QModelIndex& index, int role) const {
    SnapshotDocument* doc = document(index);
    if (!doc)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return doc->displayName();
    case Qt::ToolTipRole:
        return doc->errorMessage().isEmpty() ? doc->path() : doc->path() + u"\n\n"_s + doc->errorMessage();
    case SubtitleRole:
        return data(index, SubtitlePartsRole).toStringList().join(u" · "_s);
    case SubtitlePartsRole:
        switch (doc->state()) {
        case SnapshotDocument::State::Idle:
            return QStringList();
        case SnapshotDocument::State::Loading:
            return QStringList{doc->stage(), tr("%1 %").arg(int(doc->fraction() * 100))};
        case SnapshotDocument::State::Failed:
            return QStringList{tr("Failed to load")};
        case SnapshotDocument::State::Canceled:
            return QStringList{tr("Canceled")};
        case SnapshotDocument::State::Ready: {
            // Size and load time stay when the row is narrow; the node count goes first.
            const auto a = doc->analysis();
            return QStringList{TextUtil::bytesAdaptive(a->totalSize),
                               tr("%1 nodes").arg(TextUtil::grouped(a->snapshot->nodeCount)),
                               tr("%1 s").arg(QString::number(doc->loadSeconds(), 'f', 1))};
        }
        }
        return {};
    case Qt::DecorationRole: {
        QStyle* style = QApplication::style();
        switch (doc->state()) {
        case SnapshotDocument::State::Failed:
            return style->standardIcon(QStyle::SP_MessageBoxCritical);
        case SnapshotDocument::State::Canceled:
            return style->standardIcon(QStyle::SP_BrowserStop);
        case SnapshotDocument::State::Loading:
            return style->standardIcon(QStyle::SP_BrowserReload);
        default:
            return style->standardIcon(QStyle::SP_FileIcon);
        }
    }
    case StateRole:
        return int(doc->state());
    case FractionRole:
        return doc->fraction();
    case DocumentRole:
        return QVariant::fromValue<QObject*>(doc);
    }
    return {};
}

std::pair<int, int> SnapshotListModel::commonAffixes(const QStringList& names) {
    if (names.size() < 2)
        return {0, 0};
    qsizetype prefix = names.first().size(), suffix = names.first().size();
    for (const QString& n : names) {
        const QString& first = names.first();
        qsizetype p = 0;
        while (p < prefix && p < n.size() && n[p] == first[p])
            ++p;
        prefix = p;
        qsizetype q = 0;
        while (q < suffix && q < n.size() && n[n.size() - 1 - q] == first[first.size() - 1 - q])
            ++q;
        suffix = q;
    }
    // The shortest name may be all prefix and suffix; the two must not overlap in any name.
    qsizetype shortest = names.first().size();
    for (const QString& n : names)
        shortest = std::min(shortest, n.size());
    if (prefix + suffix > shortest)
        suffix = std::max<qsizetype>(0, shortest - prefix);
    return {int(prefix), int(suffix)};
}

QString SnapshotListModel::elideKeepingDifference(const QString& name, int prefix, int suffix,
                                                  const QFontMetrics& fm, int width) {
    if (fm.horizontalAdvance(name) <= width)
        return name;
    prefix = std::clamp(prefix, 0, int(name.size()));
    suffix = std::clamp(suffix, 0, int(name.size()) - prefix);
    const QString head = name.left(prefix);
    const QString middle = name.mid(prefix, name.size() - prefix - suffix);
    const QString tail = name.right(suffix);
    if (middle.isEmpty())
        return fm.elidedText(name, Qt::ElideMiddle, width);
    const QString ellipsis(QChar(0x2026));
    // 1. Keep the start and the differing part, cut the shared suffix: "leak-A-node20.heaps…".
    const int forTail = width - fm.horizontalAdvance(head + middle);
    if (!tail.isEmpty() && forTail >= fm.horizontalAdvance(ellipsis))
        return head + middle + fm.elidedText(tail, Qt::ElideRight, forTail);
    // 2. Cut the shared prefix in its middle, keeping its start and the whole suffix:
    //    "series-…-1042.heapsnapshot".
    const int forHead = width - fm.horizontalAdvance(middle + tail);
    if (!head.isEmpty() && forHead >= fm.horizontalAdvance(ellipsis)) {
        const QString h = fm.elidedText(head, Qt::ElideMiddle, forHead);
        if (!h.isEmpty())
            return h + middle + tail;
    }
    // 3. Only the differing part, with what fits of the suffix.
    const QString lead = head.isEmpty() ? QString() : ellipsis;
    const int rest = width - fm.horizontalAdvance(lead + middle);
    if (rest >= fm.horizontalAdvance(ellipsis))
        return lead + middle + fm.elidedText(tail, Qt::ElideRight, rest);
    return fm.elidedText(lead + middle, Qt::ElideMiddle, width);
}

QString SnapshotListModel::fitSubtitle(const QStringList& parts, const QFontMetrics& fm, int width) {
    QStringList kept = parts;
    QString text = kept.join(u" · "_s);
    while (fm.horizontalAdvance(text) > width && kept.size() > 2) {
        kept.removeAt(kept.size() / 2); // the middle parts say the least (node count)
        text = kept.join(u" · "_s);
    }
    return fm.elidedText(text, Qt::ElideRight, width);
}

QSize SnapshotListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const QFontMetrics fm(option.font);
    return {200, fm.height() * 2 + 14};
}

QString SnapshotListDelegate::displayedName(const QModelIndex& index, const QFontMetrics& fm, int width) {
    QStringList names;
    if (const QAbstractItemModel* model = index.model())
        for (int r = 0; r < model->rowCount(index.parent()); ++r)
            names << model->index(r, 0, index.parent()).data().toString();
    const auto [prefix, suffix] = SnapshotListModel::commonAffixes(names);
    return SnapshotListModel::elideKeepingDifference(index.data().toString(), prefix, suffix, fm, width);
}

void SnapshotListDelegate::paint(QPainter* p, const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, p, opt.widget);
    const QRect r =
        style->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget).adjusted(2, 4, -4, -4);
    const bool selected = opt.state & QStyle::State_Selected;
    const QColor text = opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor sub = text;
    sub.setAlphaF(0.7f);
    const QFontMetrics fm(opt.font);
    p->save();
    QFont bold = opt.font;
    bold.setBold(true);
    p->setFont(bold);
    p->setPen(text);
    p->drawText(QRect(r.left(), r.top(), r.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                displayedName(index, QFontMetrics(bold), r.width()));
    p->setFont(opt.font);
    p->setPen(sub);
    p->drawText(QRect(r.left(), r.top() + fm.height() + 2, r.width(), fm.height()),
                Qt::AlignLeft | Qt::AlignVCenter,
                SnapshotListModel::fitSubtitle(
                    index.data(SnapshotListModel::SubtitlePartsRole).toStringList(), fm, r.width()));
    if (index.data(SnapshotListModel::StateRole).toInt() == int(SnapshotDocument::State::Loading)) {
        const double f = index.data(SnapshotListModel::FractionRole).toDouble();
        p->fillRect(QRect(r.left(), r.bottom() + 1, int(r.width() * f), 2),
                    opt.palette.color(QPalette::Highlight));
    }
    p->restore();
}
