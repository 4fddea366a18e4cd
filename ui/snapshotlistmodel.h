// SPDX-License-Identifier: MIT
// The sidebar: one row per open snapshot, as DevTools lists its profiles.
#pragma once

#include <QAbstractListModel>

class SnapshotDocument;
class SnapshotSession;

class SnapshotListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        SubtitleRole = Qt::UserRole + 1, ///< "12.3 MB · 1,234,567 nodes · 1.4 s", or the load state
        StateRole,                       ///< SnapshotDocument::State as int
        FractionRole,                    ///< load progress 0..1
        DocumentRole,                    ///< SnapshotDocument* as QObject*
    };

    explicit SnapshotListModel(SnapshotSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    SnapshotDocument* document(const QModelIndex& index) const;
    QModelIndex indexOf(const SnapshotDocument* doc) const;

private:
    SnapshotSession* m_session;
};
