// SPDX-License-Identifier: MIT
// The realms (native contexts) of one document, computed once in the background and shared by the
// Summary's filter list and the Comparison.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/realms.h>
#endif

#include <QObject>

class BackgroundJob;
class SnapshotDocument;

class RealmsSource : public QObject {
    Q_OBJECT
public:
    /// The document's source (a child of the document, made on first use); starts the computation.
    static RealmsSource* of(SnapshotDocument* document);

    /// Null until computed (or when it failed).
    heapscope::RealmsPtr realms() const { return m_realms; }
    bool isReady() const { return m_done; }
    BackgroundJob* job() const { return m_job; }

Q_SIGNALS:
    /// The realms are there (realms() may still be null when the computation failed).
    void ready();

private:
    RealmsSource(SnapshotDocument* document, heapscope::AnalysisPtr analysis);

    heapscope::RealmsPtr m_realms;
    BackgroundJob* m_job;
    bool m_done = false;
};
