// SPDX-License-Identifier: MIT
// The set of open snapshots and the comparisons between them.
#pragma once

#include "snapshotdocument.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#endif

#include <QList>
#include <QObject>

#include <map>
#include <memory>
#include <utility>

/// Owns every open SnapshotDocument (in opening order, as DevTools lists its profiles) and computes
/// Comparisons on the thread pool, cached per (base, current) pair until either is closed.
class SnapshotSession : public QObject {
    Q_OBJECT
public:
    explicit SnapshotSession(QObject* parent = nullptr);
    ~SnapshotSession() override;

    const QList<SnapshotDocument*>& documents() const { return m_documents; }
    int indexOf(const SnapshotDocument* doc) const { return m_documents.indexOf(doc); }
    SnapshotDocument* documentForAnalysis(const heapscope::Analysis* analysis) const;

    /// Opens and starts loading a file; returns its document.
    SnapshotDocument* open(const QString& path, const QString& displayName = {});
    /// Closes a document; its memory goes once no view holds its bundles.
    void close(SnapshotDocument* doc);

    /// The default base for comparing `current`: the ready snapshot with the largest max object id
    /// below the current one's (the one taken just before it), else any other ready snapshot.
    SnapshotDocument* defaultBase(const SnapshotDocument* current) const;
    /// Ready heap snapshots (no timelines) other than `current`, in list order.
    QList<SnapshotDocument*> comparableWith(const SnapshotDocument* current) const;

    /// The cached comparison, or null; call requestComparison() to compute it.
    heapscope::ComparisonPtr comparison(const SnapshotDocument* base, const SnapshotDocument* current) const;
    void requestComparison(SnapshotDocument* base, SnapshotDocument* current);

Q_SIGNALS:
    void documentAdded(SnapshotDocument* doc);
    void documentAboutToBeRemoved(SnapshotDocument* doc);
    void documentRemoved();
    /// A document changed state (progress, ready, failed); forwards SnapshotDocument::stateChanged.
    void documentChanged(SnapshotDocument* doc);
    void comparisonReady(SnapshotDocument* base, SnapshotDocument* current,
                         const heapscope::ComparisonPtr& comparison);
    void comparisonFailed(SnapshotDocument* base, SnapshotDocument* current, const QString& message);

private:
    using Key = std::pair<const heapscope::Analysis*, const heapscope::Analysis*>;
    QList<SnapshotDocument*> m_documents;
    std::map<Key, heapscope::ComparisonPtr> m_comparisons;
    std::map<Key, bool> m_pending;
};
