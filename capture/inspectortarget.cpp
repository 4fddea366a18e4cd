// SPDX-License-Identifier: MIT
#include "inspectortarget.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

QString InspectorAddress::toString() const {
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

std::optional<InspectorAddress> InspectorAddress::parse(const QString& input, QString* error) {
    auto fail = [&](const QString& message) -> std::optional<InspectorAddress> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QString text = input.trimmed();
    if (text.isEmpty())
        return fail(QCoreApplication::translate("Capture", "No address given; expected HOST:PORT."));
    const qsizetype scheme = text.indexOf(u"://"_s);
    if (scheme >= 0)
        text = text.mid(scheme + 3);
    const qsizetype slash = text.indexOf(u'/');
    if (slash >= 0)
        text.truncate(slash);

    InspectorAddress address;
    QString portText;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return fail(QCoreApplication::translate("Capture", "“%1” is not a valid address.").arg(input));
        address.host = text.mid(1, close - 1);
        if (close + 1 < text.size()) {
            if (text.at(close + 1) != u':')
                return fail(
                    QCoreApplication::translate("Capture", "“%1” is not a valid address.").arg(input));
            portText = text.mid(close + 2);
        }
    } else if (text.count(u':') == 1) {
        address.host = text.section(u':', 0, 0);
        portText = text.section(u':', 1);
    } else if (text.count(u':') > 1) {
        address.host = text; // bare IPv6 address
    } else {
        bool numeric = false;
        text.toUInt(&numeric);
        if (numeric)
            portText = text;
        else
            address.host = text;
    }
    if (address.host.isEmpty())
        address.host = u"127.0.0.1"_s;
    if (!portText.isNull()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return fail(QCoreApplication::translate("Capture", "“%1” is not a valid port.").arg(portText));
        address.port = quint16(port);
    }
    return address;
}

QString InspectorTarget::displayName() const {
    QString name = title.isEmpty() ? id : title;
    QStringList details;
    if (!type.isEmpty())
        details << type;
    if (!url.isEmpty() && url != u"file://"_s)
        details << url;
    if (!details.isEmpty())
        name += u" ("_s + details.join(u", "_s) + u')';
    return name;
}

std::optional<QList<InspectorTarget>> parseTargetList(const QByteArray& body) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    static const QRegularExpression pidInTitle(u"\\[(\\d+)\\]$"_s);
    QList<InspectorTarget> targets;
    for (const QJsonValue& value : document.array()) {
        if (!value.isObject())
            return std::nullopt;
        const QJsonObject object = value.toObject();
        // Every inspector's entry has an id and a type; anything else is some other JSON API.
        if (!object.value("id"_L1).isString() || !object.value("type"_L1).isString())
            return std::nullopt;
        InspectorTarget target;
        target.id = object.value("id"_L1).toString();
        target.type = object.value("type"_L1).toString();
        target.title = object.value("title"_L1).toString();
        target.url = object.value("url"_L1).toString();
        target.description = object.value("description"_L1).toString();
        target.webSocketDebuggerUrl = object.value("webSocketDebuggerUrl"_L1).toString();
        if (target.type == "node"_L1) {
            const auto match = pidInTitle.match(target.title);
            if (match.hasMatch())
                target.pid = match.captured(1).toLongLong();
        }
        targets.append(target);
    }
    return targets;
}

} // namespace heapscope::capture
