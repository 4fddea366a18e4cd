// SPDX-License-Identifier: MIT
#include "tableexport.h"

#include "models/heaptreemodel.h"
#include "models/modelroles.h"

#include <heapscope/csv.h>

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

/// Text cells that stand for "no value" (DevTools' "−" distance of unreachable objects).
bool isNoValue(const QString& display) {
    return display == QStringView(u"\u2212") || display == QStringView(u"-");
}

void writeNumber(heapscope::csv::Writer& w, const QVariant& v) {
    switch (v.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float:
        w.number(v.toDouble());
        break;
    case QMetaType::ULongLong:
    case QMetaType::ULong:
    case QMetaType::UInt:
    case QMetaType::UShort:
        w.number(v.toULongLong());
        break;
    default:
        w.number(v.toLongLong());
        break;
    }
}

void writeText(heapscope::csv::Writer& w, const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    w.text(std::string_view(utf8.constData(), std::size_t(utf8.size())));
}

/// One column per value: the object column becomes the edge name, the plain name, the object id
/// and (class rows) the object count; numbers are written as numbers, without units or grouping.
QByteArray toCsv(const Table& t) {
    const bool splitName = !t.columns.isEmpty() && t.columns.first() == 0;
    bool hasEdge = false, hasId = false, hasCount = false;
    if (splitName) {
        for (const Table::Row& row : t.rows) {
            hasEdge = hasEdge || !row.index.data(ModelRoles::EdgeNameRole).toString().isEmpty();
            hasId = hasId || !row.index.data(ModelRoles::IdRole).toString().isEmpty();
            hasCount = hasCount || row.index.data(ModelRoles::CountValueRole).isValid();
        }
    }
    heapscope::csv::Writer w;
    w.text("depth");
    for (int i = 0; i < t.columns.size(); ++i) {
        if (i == 0 && splitName) {
            if (hasEdge)
                writeText(w, QCoreApplication::translate("TableExport", "Edge"));
            writeText(w, t.titles[i]);
            if (hasId)
                writeText(w, QCoreApplication::translate("TableExport", "Id"));
            if (hasCount)
                writeText(w, QCoreApplication::translate("TableExport", "Count"));
            continue;
        }
        writeText(w, t.titles[i]);
    }
    w.endRow();
    for (const Table::Row& row : t.rows) {
        w.number(row.depth);
        for (int i = 0; i < t.columns.size(); ++i) {
            const QModelIndex cell = row.index.siblingAtColumn(t.columns[i]);
            if (i == 0 && splitName) {
                if (hasEdge)
                    writeText(w, cell.data(ModelRoles::EdgeNameRole).toString());
                const QVariant label = cell.data(ModelRoles::LabelRole);
                writeText(w, label.isValid() ? label.toString() : cell.data().toString());
                if (hasId) {
                    bool ok = false;
                    const qulonglong id = cell.data(ModelRoles::IdRole).toString().mid(1).toULongLong(&ok);
                    ok ? void(w.number(id)) : void(w.empty());
                }
                if (hasCount) {
                    const QVariant count = cell.data(ModelRoles::CountValueRole);
                    count.isValid() ? writeNumber(w, count) : void(w.empty());
                }
                continue;
            }
            const QString display = cell.data().toString();
            const QVariant number = exactValue(cell);
            if (isNoValue(display))
                w.empty();
            else if (number.isValid())
                writeNumber(w, number);
            else
                writeText(w, display);
        }
        w.endRow();
    }
    return QByteArray::fromStdString(w.take());
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
