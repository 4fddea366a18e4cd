// SPDX-License-Identifier: MIT
// Reads the target list an inspector publishes at http://HOST:PORT/json/list.
#pragma once

#include "inspectortarget.h"

#include <QNetworkReply>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QTimer;

namespace heapscope::capture {

class TargetLister : public QObject {
    Q_OBJECT
public:
    explicit TargetLister(QObject* parent = nullptr);
    ~TargetLister() override;

    /// Time allowed for the whole request.
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    /// Asks `address` for its targets; a request still running is dropped. Emits listed() or failed().
    void list(const InspectorAddress& address);
    void abort();
    bool isRunning() const { return m_reply != nullptr; }

Q_SIGNALS:
    void listed(const QList<heapscope::capture::InspectorTarget>& targets);
    void failed(const QString& message);

private:
    void onFinished();

    QNetworkAccessManager* m_network;
    QTimer* m_timer;
    QPointer<QNetworkReply> m_reply;
    InspectorAddress m_address;
    int m_timeoutMs = 5000;
    bool m_timedOut = false;
};

} // namespace heapscope::capture
