// SPDX-License-Identifier: MIT
#include "snapshotsession.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

SnapshotSession::SnapshotSession(QObject* parent) : QObject(parent) {}

SnapshotSession::~SnapshotSession() {
    qDeleteAll(m_documents);
}

SnapshotDocument* SnapshotSession::documentForAnalysis(const heapscope::Analysis* analysis) const {
    for (SnapshotDocument* doc : m_documents)
        if (doc->analysis().get() == analysis)
            return doc;
    return nullptr;
}

SnapshotDocument* SnapshotSession::open(const QString& path, const QString& displayName) {
    auto* doc = new SnapshotDocument(path, this);
    if (!displayName.isEmpty())
        doc->setDisplayName(displayName);
    m_documents.append(doc);
    connect(doc, &SnapshotDocument::stateChanged, this, [this, doc] { Q_EMIT documentChanged(doc); });
    Q_EMIT documentAdded(doc);
    doc->load();
    return doc;
}

void SnapshotSession::close(SnapshotDocument* doc) {
    if (!m_documents.contains(doc))
        return;
    Q_EMIT documentAboutToBeRemoved(doc);
    m_documents.removeOne(doc);
    const heapscope::Analysis* a = doc->analysis().get();
    for (auto it = m_comparisons.begin(); it != m_comparisons.end();) {
        if (a && (it->first.first == a || it->first.second == a))
            it = m_comparisons.erase(it);
        else
            ++it;
    }
    delete doc;
    Q_EMIT documentRemoved();
}

QList<SnapshotDocument*> SnapshotSession::comparableWith(const SnapshotDocument* current) const {
    QList<SnapshotDocument*> out;
    for (SnapshotDocument* doc : m_documents)
        if (doc != current && doc->isReady() && !doc->isTimeline())
            out.append(doc);
    return out;
}

SnapshotDocument* SnapshotSession::defaultBase(const SnapshotDocument* current) const {
    const auto candidates = comparableWith(current);
    if (candidates.isEmpty() || !current || !current->isReady())
        return candidates.value(0);
    const std::uint32_t currentMax = current->maxJsObjectId();
    SnapshotDocument* best = nullptr;
    for (SnapshotDocument* doc : candidates) {
        const std::uint32_t m = doc->maxJsObjectId();
        if (m < currentMax && (!best || m > best->maxJsObjectId()))
            best = doc;
    }
    return best ? best : candidates.first();
}

heapscope::ComparisonPtr SnapshotSession::comparison(const SnapshotDocument* base,
                                                     const SnapshotDocument* current) const {
    if (!base || !current)
        return {};
    auto it = m_comparisons.find({base->analysis().get(), current->analysis().get()});
    return it == m_comparisons.end() ? nullptr : it->second;
}

void SnapshotSession::requestComparison(SnapshotDocument* base, SnapshotDocument* current) {
    if (!base || !current || !base->isReady() || !current->isReady())
        return;
    const Key key{base->analysis().get(), current->analysis().get()};
    if (auto it = m_comparisons.find(key); it != m_comparisons.end()) {
        Q_EMIT comparisonReady(base, current, it->second);
        return;
    }
    if (m_pending[key])
        return;
    m_pending[key] = true;
    auto baseAnalysis = base->analysis();
    auto currentAnalysis = current->analysis();
    auto* watcher = new QFutureWatcher<heapscope::Expected<heapscope::ComparisonPtr>>(this);
    QPointer<SnapshotDocument> basePtr(base), currentPtr(current);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, key, basePtr, currentPtr] {
        watcher->deleteLater();
        m_pending.erase(key);
        // Either side may have been closed (or reloaded) meanwhile: then the result is stale.
        if (!basePtr || !currentPtr || basePtr->analysis().get() != key.first ||
            currentPtr->analysis().get() != key.second)
            return;
        const auto result = watcher->future().result();
        if (!result) {
            Q_EMIT comparisonFailed(basePtr, currentPtr, QString::fromStdString(result.error().message()));
            return;
        }
        m_comparisons[key] = *result;
        Q_EMIT comparisonReady(basePtr, currentPtr, *result);
    });
    watcher->setFuture(QtConcurrent::run(
        [baseAnalysis, currentAnalysis] { return heapscope::compare(baseAnalysis, currentAnalysis); }));
}
