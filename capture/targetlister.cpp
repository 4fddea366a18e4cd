// SPDX-License-Identifier: MIT
#include "targetlister.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

namespace {
// A target list is a few kilobytes; anything much larger is not an inspector.
constexpr qint64 kMaxListBytes = 8 * 1024 * 1024;
} // namespace

TargetLister::TargetLister(QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_timer(new QTimer(this)) {
    // The inspector is reached directly: a system proxy would see (or refuse) a local debug port.
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_reply) {
            m_timedOut = true;
            m_reply->abort();
        }
    });
}

TargetLister::~TargetLister() {
    abort();
}

void TargetLister::abort() {
    m_timer->stop();
    if (QNetworkReply* reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void TargetLister::list(const InspectorAddress& address) {
    abort();
    m_address = address;
    m_timedOut = false;
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(address.host);
    url.setPort(address.port);
    url.setPath(u"/json/list"_s);
    QNetworkRequest request(url);
    // Only where the user points: a redirect would lead somewhere else.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64) {
        if (received > kMaxListBytes && m_reply)
            m_reply->abort();
    });
    connect(m_reply, &QNetworkReply::finished, this, &TargetLister::onFinished);
    m_timer->start(m_timeoutMs);
}

void TargetLister::onFinished() {
    QNetworkReply* reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    m_timer->stop();
    reply->deleteLater();
    const QString where = m_address.toString();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();

    if (m_timedOut) {
        Q_EMIT failed(tr("%1 did not answer within %2 seconds.").arg(where).arg(m_timeoutMs / 1000.0));
        return;
    }
    switch (reply->error()) {
    case QNetworkReply::NoError:
        break;
    case QNetworkReply::ConnectionRefusedError:
        Q_EMIT failed(tr("Nothing is listening on %1 (connection refused). Start the process with "
                         "--inspect (Node) or --remote-debugging-port (Chrome, Edge), or check the port.")
                          .arg(where));
        return;
    case QNetworkReply::HostNotFoundError:
        Q_EMIT failed(tr("The host “%1” was not found.").arg(m_address.host));
        return;
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        Q_EMIT failed(tr("%1 does not answer like an inspector (no HTTP target list at /json/list): %2")
                          .arg(where, reply->errorString()));
        return;
    case QNetworkReply::OperationCanceledError:
        Q_EMIT failed(tr("%1 sent a target list far too large for an inspector.").arg(where));
        return;
    default:
        if (status == 0) {
            Q_EMIT failed(tr("Could not read the target list of %1: %2").arg(where, reply->errorString()));
            return;
        }
        break; // an HTTP error status: reported below
    }
    if (status != 200) {
        Q_EMIT failed(tr("%1 is an HTTP server but not an inspector: /json/list answered “%2 %3”.")
                          .arg(where)
                          .arg(status)
                          .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()));
        return;
    }
    const auto targets = parseTargetList(reply->readAll());
    if (!targets) {
        Q_EMIT failed(tr("%1 is an HTTP server but not an inspector: /json/list is not a list of debug "
                         "targets.")
                          .arg(where));
        return;
    }
    Q_EMIT listed(*targets);
}

} // namespace heapscope::capture
