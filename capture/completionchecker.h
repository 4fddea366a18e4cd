// SPDX-License-Identifier: MIT
// Decides when a snapshot file that another process writes is complete: its size has stopped
// changing and the loader reads it without error.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>

#include <memory>

class QTimer;

namespace heapscope::capture {

class CompletionChecker : public QObject {
    Q_OBJECT
public:
    explicit CompletionChecker(QObject* parent = nullptr);
    ~CompletionChecker() override;

    /// How often sizes are compared; a file is "stable" after one interval without change.
    void setInterval(int milliseconds);
    /// Load the file to check it parses (default). Without, a stable size that ends like JSON is enough.
    void setVerifyByLoading(bool verify) { m_verifyByLoading = verify; }

    /// Starts watching `path`; emits complete(path) once, or rejected(path, reason) when it stays
    /// unchanged but cannot be read (it is checked again if it changes later).
    void track(const QString& path);
    void untrack(const QString& path);
    void clear();
    bool isTracking(const QString& path) const { return m_files.contains(path); }

Q_SIGNALS:
    void complete(const QString& path);
    void rejected(const QString& path, const QString& reason);
    void vanished(const QString& path);

private:
    struct FileState {
        qint64 size = -1;
        QDateTime modified;
        bool stableOnce = false;
        bool verifying = false;
        bool rejected = false;
        std::shared_ptr<bool> alive; ///< cleared when the file is untracked while being verified
    };
    void poll();
    void verify(const QString& path, FileState& state);
    void onVerified(const QString& path, const QString& error);

    QTimer* m_timer;
    QHash<QString, FileState> m_files;
    bool m_verifyByLoading = true;
};

/// Reads the file with the snapshot loader; returns an empty string when it loads, else why not.
QString checkSnapshotFile(const QString& path);

} // namespace heapscope::capture
