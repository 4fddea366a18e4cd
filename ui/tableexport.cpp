// SPDX-License-Identifier: MIT
#include "tableexport.h"

#include "models/heaptreemodel.h"
#include "models/modelroles.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTreeView>

#include <functional>

using namespace Qt::StringLiterals;

namespace TableExport {

namespace {

struct Table {
    QList<int> columns; // logical indexes, in visual order
    QStringList titles;
    QList<bool> rightAligned;
    struct Row {
        int depth = 0;
        QModelIndex index;
    };
    QList<Row> rows;
};

Table collect(const QTreeView* view) {
    Table t;
    const QAbstractItemModel* model = view->model();
    if (!model)
        return t;
    const QHeaderView* header = view->header();
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (c < 0 || view->isColumnHidden(c))
            continue;
        t.columns << c;
        t.titles << model->headerData(c, Qt::Horizontal).toString();
        t.rightAligned << ((model->headerData(c, Qt::Horizontal, Qt::TextAlignmentRole).toInt() &
                            Qt::AlignRight) != 0);
    }
    const int moreKind = int(HeapTreeModel::RowKind::More);
    // Recursion depth is the tree's depth, which the views keep small (cycles are not expandable).
    std::function<void(const QModelIndex&, int)> walk = [&](const QModelIndex& parent, int depth) {
        const int rows = model->rowCount(parent);
        for (int r = 0; r < rows; ++r) {
            if (view->isRowHidden(r, parent))
                continue;
            const QModelIndex idx = model->index(r, 0, parent);
            const QVariant kind = idx.data(ModelRoles::RowKindRole);
            if (kind.isValid() && kind.toInt() == moreKind)
                continue;
            t.rows.append({depth, idx});
            if (view->isExpanded(idx))
                walk(idx, depth + 1);
        }
    };
    walk(view->rootIndex(), 0);
    return t;
}

bool isNumber(const QVariant& v) {
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

/// The exact number behind a cell, or an invalid variant when it is text.
QVariant exactValue(const QModelIndex& cell) {
    const QVariant sort = cell.data(ModelRoles::SortRole);
    return isNumber(sort) ? sort : QVariant();
}

QString numberText(const QVariant& v) {
    if (v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float)
        return QString::number(v.toDouble(), 'g', 17);
    return v.toString();
}

QString csvField(const QString& s) {
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r') &&
        s.trimmed() == s)
        return s;
    QString q = s;
    q.replace(u'"', u"\"\""_s);
    return u'"' + q + u'"';
}

QByteArray toCsv(const Table& t) {
    QString out = u"depth"_s;
    for (const QString& title : t.titles)
        out += u',' + csvField(title);
    out += u'\n';
    for (const Table::Row& row : t.rows) {
        out += QString::number(row.depth);
        for (int c : t.columns) {
            const QModelIndex cell = row.index.siblingAtColumn(c);
            const QVariant number = exactValue(cell);
            out += u',' + (number.isValid() ? numberText(number) : csvField(cell.data().toString()));
        }
        out += u'\n';
    }
    return out.toUtf8();
}

QByteArray toJson(const Table& t) {
    QJsonArray rows;
    for (const Table::Row& row : t.rows) {
        QJsonArray cells;
        for (int c : t.columns) {
            const QModelIndex cell = row.index.siblingAtColumn(c);
            const QVariant number = exactValue(cell);
            if (!number.isValid())
                cells.append(cell.data().toString());
            else if (number.typeId() == QMetaType::Double || number.typeId() == QMetaType::Float)
                cells.append(number.toDouble());
            else
                cells.append(number.toLongLong());
        }
        rows.append(QJsonObject{{u"depth"_s, row.depth}, {u"cells"_s, cells}});
    }
    const QJsonObject root{{u"columns"_s, QJsonArray::fromStringList(t.titles)}, {u"rows"_s, rows}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString markdownCell(QString s) {
    s.replace(u'\n', u' ').replace(u'\r', u' ');
    QString out;
    out.reserve(s.size());
    for (QChar ch : std::as_const(s)) {
        // Characters that would turn into formatting, links, HTML or a cell boundary.
        if (u"\\`*_[]<>|"_s.contains(ch))
            out += u'\\';
        out += ch;
    }
    return out;
}

QByteArray toMarkdown(const Table& t) {
    QString out = u"|"_s;
    for (const QString& title : t.titles)
        out += u' ' + markdownCell(title) + u" |"_s;
    out += u"\n|"_s;
    for (bool right : t.rightAligned)
        out += right ? u"---:|"_s : u"---|"_s;
    out += u'\n';
    for (const Table::Row& row : t.rows) {
        out += u'|';
        bool first = true;
        for (int c : t.columns) {
            const QModelIndex cell = row.index.siblingAtColumn(c);
            QString text = cell.data().toString();
            const QString percent = cell.data(ModelRoles::PercentRole).toString();
            if (!percent.isEmpty())
                text += u" ("_s + percent + u')';
            text = markdownCell(text);
            // Table cells drop leading spaces; no-break spaces keep the tree's indentation.
            if (first)
                text.prepend(QString(row.depth * 2, QChar(0x00A0)));
            first = false;
            out += u' ' + text + u" |"_s;
        }
        out += u'\n';
    }
    return out.toUtf8();
}

} // namespace

QByteArray exportView(const QTreeView* view, Format format) {
    const Table t = collect(view);
    switch (format) {
    case Format::Csv:
        return toCsv(t);
    case Format::Json:
        return toJson(t);
    case Format::Markdown:
        return toMarkdown(t);
    }
    return {};
}

QString fileFilters() {
    return QCoreApplication::translate("TableExport", "CSV (*.csv);;JSON (*.json);;Markdown (*.md)");
}

Format formatFor(const QString& selectedFilter, const QString& path) {
    if (selectedFilter.contains(u"*.json"_s))
        return Format::Json;
    if (selectedFilter.contains(u"*.md"_s))
        return Format::Markdown;
    if (selectedFilter.contains(u"*.csv"_s))
        return Format::Csv;
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == u"json"_s)
        return Format::Json;
    if (ext == u"md"_s || ext == u"markdown"_s)
        return Format::Markdown;
    return Format::Csv;
}

QString suffix(Format format) {
    switch (format) {
    case Format::Csv:
        return u"csv"_s;
    case Format::Json:
        return u"json"_s;
    case Format::Markdown:
        return u"md"_s;
    }
    return {};
}

} // namespace TableExport
