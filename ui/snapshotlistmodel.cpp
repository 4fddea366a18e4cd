// SPDX-License-Identifier: MIT
#include "snapshotlistmodel.h"

#include "snapshotsession.h"
#include "textutil.h"

#include <QApplication>
#include <QFont>
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
        switch (doc->state()) {
        case SnapshotDocument::State::Idle:
            return QString();
        case SnapshotDocument::State::Loading:
            return tr("%1 · %2 %").arg(doc->stage()).arg(int(doc->fraction() * 100));
        case SnapshotDocument::State::Failed:
            return tr("Failed to load");
        case SnapshotDocument::State::Canceled:
            return tr("Canceled");
        case SnapshotDocument::State::Ready: {
            const auto a = doc->analysis();
            return tr("%1 · %2 nodes · %3 s")
                .arg(TextUtil::bytesAdaptive(a->totalSize), TextUtil::grouped(a->snapshot->nodeCount),
                     QString::number(doc->loadSeconds(), 'f', 1));
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
