// SPDX-License-Identifier: MIT
// Reports snapshot files that appear in a folder, each once it is complete, in the order they
// appeared: a series written by the application itself (on a timer, past a memory threshold).
#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSet>

class QFileSystemWatcher;
class QTimer;

namespace heapscope::capture {

class CompletionChecker;

class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;

    /// Files already in the folder are not reported. Returns false (and emits failed()) when the
    /// folder cannot be read.
    bool start(const QString& folder);
    void stop();
    bool isWatching() const { return m_watching; }
    QString folder() const { return m_folder; }

    /// Polling interval: the fallback where file-system notifications do not arrive (network
    /// shares, some containers), and the pace of the completeness check.
    void setPollInterval(int milliseconds);
    /// See CompletionChecker::setVerifyByLoading().
    void setVerifyByLoading(bool verify);
    /// Only report names containing this text (e.g. ".12345." for one Node process); empty: all.
    void setNameFilter(const QString& text) { m_nameFilter = text; }

Q_SIGNALS:
    /// A new complete snapshot, in order of appearance.
    void snapshotReady(const QString& path);
    /// A new file that stopped changing but does not load; later files are reported anyway.
    void snapshotRejected(const QString& path, const QString& reason);
    /// A new file appeared (not complete yet).
    void fileAppeared(const QString& path);
    void failed(const QString& message);

private:
    struct Entry {
        QString path;
        enum { Pending, Ready, Rejected } state = Pending;
        QString reason;
    };
    void scan();
    void release();

    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_timer;
    CompletionChecker* m_checker;
    QString m_folder;
    QString m_nameFilter;
    QSet<QString> m_known;
    QList<Entry> m_queue; ///< new files in order of appearance, reported from the front
    bool m_watching = false;
};

} // namespace heapscope::capture
