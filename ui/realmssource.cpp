// SPDX-License-Identifier: MIT
#include "realmssource.h"

#include "jobs/backgroundjob.h"
#include "snapshotdocument.h"

using namespace Qt::StringLiterals;

RealmsSource* RealmsSource::of(SnapshotDocument* document) {
    if (!document || !document->isReady())
        return nullptr;
    if (auto* existing = document->findChild<RealmsSource*>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new RealmsSource(document, document->analysis());
}

RealmsSource::RealmsSource(SnapshotDocument* document, heapscope::AnalysisPtr analysis)
    : QObject(document), m_job(new BackgroundJob(this)) {
    setObjectName(u"realmsSource"_s);
    using Result = heapscope::Expected<heapscope::RealmsPtr>;
    m_job->start(
        [analysis](JobContext& job) -> Result { return heapscope::computeRealms(*analysis, job.work()); },
        [this](Result result) {
            if (result)
                m_realms = *result;
            m_done = true;
            Q_EMIT ready();
        });
}
