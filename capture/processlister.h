// SPDX-License-Identifier: MIT
// Local processes (from /proc) for the "Send signal to process" choice.
#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

namespace heapscope::capture {

struct ProcessInfo {
    qint64 pid = 0;
    QStringList arguments;    ///< argv
    QString workingDirectory; ///< /proc/PID/cwd, empty when not readable
    /// The signal named by --heapsnapshot-signal on the command line or in NODE_OPTIONS
    /// ("SIGUSR2"), empty when the process was not started with it.
    QString snapshotSignal;
    /// Where Node writes its snapshots: --diagnostic-dir, else the working directory.
    QString snapshotFolder;

    QString commandLine() const { return arguments.join(u' '); }
};

/// The current user's processes with a command line (no kernel threads), by pid. Reads /proc;
/// fast, but callers on the GUI thread should prefer ProcessLister.
QList<ProcessInfo> listProcesses();
/// One process; pid 0 when it does not exist or is not readable.
ProcessInfo processInfo(qint64 pid);

/// "SIGUSR2", "USR2", "12" → 12; 0 when unknown.
int signalNumber(const QString& name);
/// 12 → "SIGUSR2".
QString signalName(int number);
/// The signals that make sense for --heapsnapshot-signal, by name.
QStringList snapshotSignalNames();

/// Lists processes on a worker thread.
class ProcessLister : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    void refresh();

Q_SIGNALS:
    void listed(const QList<heapscope::capture::ProcessInfo>& processes);
};

} // namespace heapscope::capture

Q_DECLARE_METATYPE(heapscope::capture::ProcessInfo)
