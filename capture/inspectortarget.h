// SPDX-License-Identifier: MIT
// Where an inspector listens and what it offers: the entries of its /json/list.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace heapscope::capture {

/// HOST:PORT of an inspector endpoint (Node's --inspect, Chrome's --remote-debugging-port).
struct InspectorAddress {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 9229;

    /// "127.0.0.1:9229", "[::1]:9229" for IPv6 hosts.
    QString toString() const;
    /// Accepts "HOST:PORT", "[V6]:PORT", "HOST" (port 9229), "PORT" (127.0.0.1) and the same with an
    /// http:// or ws:// prefix and a path (a pasted "ws://127.0.0.1:9229/uuid" works).
    static std::optional<InspectorAddress> parse(const QString& text, QString* error = nullptr);
};

/// One entry of /json/list.
struct InspectorTarget {
    QString id;
    QString type;  ///< "node", "page", "iframe", "service_worker", ...
    QString title; ///< Node: "node[12345]" or the script; Chrome: the page title
    QString url;
    QString description;
    QString webSocketDebuggerUrl; ///< empty when another debugger is attached (Chrome)
    qint64 pid = 0;               ///< from Node's "title[pid]", 0 when unknown

    /// A line for lists and messages: "node[12345] (node, file:///app.js)".
    QString displayName() const;
};

/// Parses a /json/list body. Returns nothing when the body is not an inspector's target list.
std::optional<QList<InspectorTarget>> parseTargetList(const QByteArray& body);

} // namespace heapscope::capture

Q_DECLARE_METATYPE(heapscope::capture::InspectorTarget)
