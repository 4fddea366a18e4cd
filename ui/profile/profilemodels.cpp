// SPDX-License-Identifier: MIT
#include "profilemodels.h"

#include "textutil.h"

#include <QColor>
#include <QFont>

#include <cstdlib>

using namespace heapscope;
using namespace Qt::StringLiterals;

namespace {

QString share(std::uint64_t value, std::uint64_t total) {
    // DevTools' profile grids: toFixed(2) and " %"
    return QString::number(total ? 100.0 * double(value) / double(total) : 0.0, 'f', 2) + u" %"_s;
}

QString signedBytes(std::int64_t v) {
    if (v == 0)
        return u"0"_s;
    const QString magnitude = TextUtil::bytesAdaptive(v > 0 ? std::uint64_t(v) : std::uint64_t(-(v + 1)) + 1);
    return (v > 0 ? u"+"_s : QStringLiteral("\u2212")) + magnitude;
}

QString locationText(const SamplingProfile& p, std::uint32_t f) {
    return TextUtil::toQString(p.location(f));
}

} // namespace

QVariant profileCell(const SamplingProfile& p, std::uint32_t function, std::uint64_t self,
                     std::uint64_t total, std::uint64_t samples, int column, int role) {
    using namespace ProfileColumns;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Function:
            return TextUtil::toQString(p.displayName(function));
        case SelfSize:
            return TextUtil::bytesAdaptive(self);
        case SelfPercent:
            return share(self, p.totalBytes());
        case TotalSize:
            return TextUtil::bytesAdaptive(total);
        case TotalPercent:
            return share(total, p.totalBytes());
        case Samples:
            return TextUtil::grouped(samples);
        case Location:
            return locationText(p, function);
        }
    } else if (role == ProfileRoles::SortRole) {
        switch (column) {
        case Function:
            return TextUtil::toQString(p.displayName(function));
        case SelfSize:
            return qulonglong(self);
        case SelfPercent:
            return p.totalBytes() ? 100.0 * double(self) / double(p.totalBytes()) : 0.0;
        case TotalSize:
            return qulonglong(total);
        case TotalPercent:
            return p.totalBytes() ? 100.0 * double(total) / double(p.totalBytes()) : 0.0;
        case Samples:
            return qulonglong(samples);
        case Location:
            return locationText(p, function);
        }
    } else if (role == Qt::ToolTipRole) {
        const ProfileFunction& f = p.functions[function];
        QString tip = TextUtil::toQString(p.displayName(function));
        const QString where = locationText(p, function);
        if (!where.isEmpty())
            tip += u'\n' + where + u':' + QString::number(qint64(f.column) + 1);
        tip += QObject::tr("\nScript id %1\nSelf size %2\nTotal size %3\n%4 samples")
                   .arg(TextUtil::toQString(p.str(f.scriptId)), TextUtil::exactBytes(self),
                        TextUtil::exactBytes(total), TextUtil::grouped(samples));
        return tip;
    } else if (role == Qt::TextAlignmentRole) {
        if (column != Function && column != Location)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (column == Location || column == SelfPercent || column == TotalPercent)
            return QColor(Qt::gray);
    } else if (role == ProfileRoles::FunctionRole) {
        return uint(function);
    }
    return {};
}

QVariant profileHeader(int section, Qt::Orientation orientation, int role) {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ProfileColumns::Function:
        return QObject::tr("Function");
    case ProfileColumns::SelfSize:
        return QObject::tr("Self Size");
    case ProfileColumns::SelfPercent:
        return QObject::tr("Self %");
    case ProfileColumns::TotalSize:
        return QObject::tr("Total Size");
    case ProfileColumns::TotalPercent:
        return QObject::tr("Total %");
    case ProfileColumns::Samples:
        return QObject::tr("Samples");
    case ProfileColumns::Location:
        return QObject::tr("Script:Line");
    }
    return {};
}

// ---- Bottom-up ----

BottomUpModel::BottomUpModel(SamplingProfilePtr profile, QObject* parent)
    : BottomUpModel(profile, bottomUpFunctions(*profile), parent) {}

BottomUpModel::BottomUpModel(SamplingProfilePtr profile, std::vector<BottomUpRow> rows, QObject* parent)
    : QAbstractItemModel(parent), m_profile(std::move(profile)) {
    sortBottomUp(rows, false);
    m_items.reserve(rows.size());
    for (auto& r : rows) {
        m_top.push_back(int(m_items.size()));
        m_items.push_back({std::move(r), -1, int(m_top.size()) - 1, false, {}});
    }
}

BottomUpModel::~BottomUpModel() = default;

QModelIndex BottomUpModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ProfileColumns::Count || row < 0)
        return {};
    const std::vector<int>& list = parent.isValid() ? m_items[parent.internalId()].children : m_top;
    if (parent.isValid() && parent.column() != 0)
        return {};
    if (row >= int(list.size()))
        return {};
    return createIndex(row, column, quintptr(list[std::size_t(row)]));
}

QModelIndex BottomUpModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const int p = m_items[child.internalId()].parent;
    if (p < 0)
        return {};
    return createIndex(m_items[std::size_t(p)].rowInParent, 0, quintptr(p));
}

int BottomUpModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return int(m_top.size());
    if (parent.column() != 0)
        return 0;
    return int(m_items[parent.internalId()].children.size());
}

int BottomUpModel::columnCount(const QModelIndex&) const {
    return ProfileColumns::Count;
}

bool BottomUpModel::hasChildren(const QModelIndex& parent) const {
    if (!parent.isValid())
        return !m_top.empty();
    if (parent.column() != 0)
        return false;
    const Item& item = m_items[parent.internalId()];
    return item.fetched ? !item.children.empty() : item.row.hasCallers;
}

bool BottomUpModel::canFetchMore(const QModelIndex& parent) const {
    if (!parent.isValid() || parent.column() != 0)
        return false;
    const Item& item = m_items[parent.internalId()];
    return !item.fetched && item.row.hasCallers;
}

void BottomUpModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    const int at = int(parent.internalId());
    m_items[std::size_t(at)].fetched = true;
    auto callers = bottomUpCallers(*m_profile, m_items[std::size_t(at)].row);
    sortBottomUp(callers, false);
    if (callers.empty()) {
        // no row to add, but the expander goes
        Q_EMIT dataChanged(parent, parent);
        return;
    }
    beginInsertRows(parent, 0, int(callers.size()) - 1);
    for (auto& c : callers) {
        const int id = int(m_items.size());
        const int rowInParent = int(m_items[std::size_t(at)].children.size());
        m_items.push_back({std::move(c), at, rowInParent, false, {}});
        m_items[std::size_t(at)].children.push_back(id);
    }
    endInsertRows();
}

const BottomUpRow* BottomUpModel::row(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this)
        return nullptr;
    return &m_items[index.internalId()].row;
}

QVariant BottomUpModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const BottomUpRow& r = m_items[index.internalId()].row;
    if (role == ProfileRoles::NodeRole)
        return r.focus.empty() ? QVariant() : QVariant(uint(r.ancestor.front()));
    return profileCell(*m_profile, r.function, r.self, r.total, r.samples, index.column(), role);
}

QVariant BottomUpModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return profileHeader(section, orientation, role);
}

// ---- Top-down ----

TopDownModel::TopDownModel(SamplingProfilePtr profile, QObject* parent)
    : QAbstractItemModel(parent), m_profile(std::move(profile)) {
    const SamplingProfile& p = *m_profile;
    m_rowInParent.assign(p.nodeCount(), 0);
    for (std::uint32_t n = 0; n < p.nodeCount(); ++n)
        for (std::uint32_t c = p.childStart[n]; c < p.childStart[n + 1]; ++c)
            m_rowInParent[p.childList[c]] = c - p.childStart[n];
}

QModelIndex TopDownModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ProfileColumns::Count || row < 0 ||
        (parent.isValid() && parent.column() != 0))
        return {};
    const SamplingProfile& p = *m_profile;
    if (p.nodeCount() == 0)
        return {};
    const std::uint32_t n = parent.isValid() ? std::uint32_t(parent.internalId()) : 0;
    if (std::uint32_t(row) >= p.childStart[n + 1] - p.childStart[n])
        return {};
    return createIndex(row, column, quintptr(p.childList[p.childStart[n] + std::uint32_t(row)]));
}

QModelIndex TopDownModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const std::uint32_t up = m_profile->parent[child.internalId()];
    if (up == 0 || up == kNoIndex)
        return {};
    return createIndex(int(m_rowInParent[up]), 0, quintptr(up));
}

int TopDownModel::rowCount(const QModelIndex& parent) const {
    const SamplingProfile& p = *m_profile;
    if (p.nodeCount() == 0 || (parent.isValid() && parent.column() != 0))
        return 0;
    const std::uint32_t n = parent.isValid() ? std::uint32_t(parent.internalId()) : 0;
    return int(p.childStart[n + 1] - p.childStart[n]);
}

int TopDownModel::columnCount(const QModelIndex&) const {
    return ProfileColumns::Count;
}

bool TopDownModel::hasChildren(const QModelIndex& parent) const {
    return rowCount(parent) > 0;
}

QModelIndex TopDownModel::indexOfNode(std::uint32_t node, int column) const {
    if (node == 0 || node >= m_profile->nodeCount() || !m_profile->visible(node))
        return {};
    return createIndex(int(m_rowInParent[node]), column, quintptr(node));
}

QVariant TopDownModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const SamplingProfile& p = *m_profile;
    const auto n = std::uint32_t(index.internalId());
    if (role == ProfileRoles::NodeRole)
        return uint(n);
    return profileCell(p, p.function[n], p.selfSize[n], p.totalSize[n], p.sampleCount[n], index.column(),
                       role);
}

QVariant TopDownModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return profileHeader(section, orientation, role);
}

// ---- comparison ----

ProfileDiffModel::ProfileDiffModel(std::vector<ProfileDiffRow> rows, QObject* parent)
    : QAbstractItemModel(parent), m_rows(std::move(rows)) {}

QModelIndex ProfileDiffModel::index(int row, int column, const QModelIndex& parent) const {
    if (parent.isValid() || row < 0 || row >= int(m_rows.size()) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

QModelIndex ProfileDiffModel::parent(const QModelIndex&) const {
    return {};
}

int ProfileDiffModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProfileDiffModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant ProfileDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const ProfileDiffRow& r = m_rows[std::size_t(index.row())];
    const QString where =
        r.url.empty() ? QString() : TextUtil::toQString(r.url) + u':' + QString::number(qint64(r.line) + 1);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Function:
            return TextUtil::toQString(r.name);
        case BaseSelf:
            return TextUtil::bytesAdaptive(r.baseSelf);
        case Self:
            return TextUtil::bytesAdaptive(r.self);
        case SelfDelta:
            return signedBytes(r.selfDelta());
        case BaseTotal:
            return TextUtil::bytesAdaptive(r.baseTotal);
        case Total:
            return TextUtil::bytesAdaptive(r.total);
        case TotalDelta:
            return signedBytes(r.totalDelta());
        case Location:
            return where;
        }
    } else if (role == ProfileRoles::SortRole) {
        switch (index.column()) {
        case Function:
            return TextUtil::toQString(r.name);
        case BaseSelf:
            return qulonglong(r.baseSelf);
        case Self:
            return qulonglong(r.self);
        case SelfDelta:
            return qlonglong(r.selfDelta());
        case BaseTotal:
            return qulonglong(r.baseTotal);
        case Total:
            return qulonglong(r.total);
        case TotalDelta:
            return qlonglong(r.totalDelta());
        case Location:
            return where;
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (index.column() != Function && index.column() != Location)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (index.column() == SelfDelta || index.column() == TotalDelta) {
            const std::int64_t d = index.column() == SelfDelta ? r.selfDelta() : r.totalDelta();
            if (d > 0)
                return QColor(0xB0, 0x30, 0x30);
            if (d < 0)
                return QColor(0x20, 0x80, 0x40);
        }
        if (index.column() == Location)
            return QColor(Qt::gray);
    } else if (role == Qt::ToolTipRole) {
        return QObject::tr("%1\n%2\nSelf size %3 → %4\nTotal size %5 → %6")
            .arg(TextUtil::toQString(r.name), where, TextUtil::exactBytes(r.baseSelf),
                 TextUtil::exactBytes(r.self), TextUtil::exactBytes(r.baseTotal),
                 TextUtil::exactBytes(r.total));
    }
    return {};
}

QVariant ProfileDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Function:
        return tr("Function");
    case BaseSelf:
        return tr("Base Self");
    case Self:
        return tr("Self Size");
    case SelfDelta:
        return tr("Self Change");
    case BaseTotal:
        return tr("Base Total");
    case Total:
        return tr("Total Size");
    case TotalDelta:
        return tr("Total Change");
    case Location:
        return tr("Script:Line");
    }
    return {};
}

// ---- sorting and search ----

ProfileFilterModel::ProfileFilterModel(bool treeSearch, QObject* parent)
    : QSortFilterProxyModel(parent), m_tree(treeSearch) {
    setSortRole(ProfileRoles::SortRole);
    setRecursiveFilteringEnabled(treeSearch);
    setDynamicSortFilter(true);
}

void ProfileFilterModel::setSearch(const QString& text) {
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

bool ProfileFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_search.isEmpty())
        return true;
    if (!m_tree && sourceParent.isValid())
        return true; // a function's callers stay with it
    const QModelIndex i = sourceModel()->index(sourceRow, ProfileColumns::Function, sourceParent);
    return i.data(Qt::DisplayRole).toString().contains(m_search, Qt::CaseInsensitive);
}
