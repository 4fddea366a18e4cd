// SPDX-License-Identifier: MIT
// The sidebar: one row per open snapshot, as DevTools lists its profiles.
#pragma once

#include <QAbstractListModel>
#include <QStyledItemDelegate>

class SnapshotDocument;
class SnapshotSession;

class SnapshotListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        SubtitleRole = Qt::UserRole + 1, ///< "12.3 MB · 1,234,567 nodes · 1.4 s", or the load state
        SubtitlePartsRole,               ///< the subtitle's parts (QStringList), most important first
        StateRole,                       ///< SnapshotDocument::State as int
        FractionRole,                    ///< load progress 0..1
        DocumentRole,                    ///< SnapshotDocument* as QObject*
    };

    explicit SnapshotListModel(SnapshotSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    SnapshotDocument* document(const QModelIndex& index) const;
    QModelIndex indexOf(const SnapshotDocument* doc) const;

    /// The length of the prefix and of the suffix all `names` share (0, 0 for fewer than two names).
    static std::pair<int, int> commonAffixes(const QStringList& names);
    /// `name` in `width` pixels, cutting the part it shares with the other names (`prefix` and
    /// `suffix` characters) before the part that tells it apart: "series-node-…-1042.heapsnapshot".
    static QString elideKeepingDifference(const QString& name, int prefix, int suffix, const QFontMetrics& fm,
                                          int width);
    /// The subtitle's parts joined with " · ", leaving out the middle ones (then eliding) until it fits.
    static QString fitSubtitle(const QStringList& parts, const QFontMetrics& fm, int width);

private:
    SnapshotSession* m_session;
};

/// Sidebar rows: the name (elided by the part that differs from the other snapshots' names), a grey
/// subtitle (size, nodes, load time, or the load state) and a thin progress line while loading.
class SnapshotListDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    /// The name as painted in a row `width` pixels wide.
    static QString displayedName(const QModelIndex& index, const QFontMetrics& fm, int width);
};
