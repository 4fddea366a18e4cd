// SPDX-License-Identifier: MIT
#include "heaptreemodel.h"

#include "jobs/backgroundjob.h"
#include "modelroles.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QApplication>
#include <QBrush>
#include <QPalette>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace {

QColor greyText() {
    return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
}

} // namespace

HeapTreeModel::HeapTreeModel(QObject* parent) : QAbstractItemModel(parent) {
    m_levels.emplace_back(); // an empty top level until the subclass has data
    // Whatever a subclass changes inside a reset must not be read by a worker meanwhile.
    connect(this, &QAbstractItemModel::modelAboutToBeReset, this, &HeapTreeModel::stopBackgroundOrdering);
}

HeapTreeModel::~HeapTreeModel() {
    stopBackgroundOrdering();
}

void HeapTreeModel::rebuild() {
    m_levels.clear();
    m_childLevel.clear();
    m_topBusyText.clear();
    Level top;
    populate(nullptr, top.items);
    top.order.resize(top.items.size());
    std::iota(top.order.begin(), top.order.end(), 0u);
    top.fetched = std::uint32_t(std::min<std::size_t>(top.items.size(), std::size_t(topLevelBatch())));
    sortLevel(top, top.fetched);
    top.moreRow = top.fetched < top.items.size();
    m_levels.push_back(std::move(top));
}

void HeapTreeModel::rebuildBusy(const QString& text) {
    m_levels.clear();
    m_childLevel.clear();
    Level top;
    top.busy = true;
    top.moreRow = true; // the busy row
    m_levels.push_back(std::move(top));
    m_topBusyText = text;
}

std::uint32_t HeapTreeModel::levelFor(const QModelIndex& parent) const {
    if (!parent.isValid())
        return 0;
    if (parent.model() != this || parent.column() != 0)
        return kNoLevel;
    const auto pl = std::uint32_t(parent.internalId());
    if (pl >= m_levels.size())
        return kNoLevel;
    Level& p = m_levels[pl];
    if (p.dead || std::uint32_t(parent.row()) >= p.fetched)
        return kNoLevel;
    const std::uint32_t pos = p.order[std::size_t(parent.row())];
    const std::uint64_t key = (std::uint64_t(pl) << 32) | pos;
    if (auto it = m_childLevel.find(key); it != m_childLevel.end())
        return it->second;
    const Row owner = p.items[pos];
    if (owner.kind == RowKind::More || !mayHaveChildren(owner) || isCycleIn(pl, owner))
        return kNoLevel;

    Level level;
    level.owner = owner;
    level.parentLevel = pl;
    level.parentPos = pos;
    level.rowInParent = parent.row();
    const std::size_t expected = childCountHint(owner);
    const bool background = expected >= m_backgroundFrom;
    if (background) {
        // One busy row until the rows are made and the first batch is ordered on the pool.
        level.busy = true;
        level.moreRow = true;
        level.expected = expected;
    } else {
        populate(&owner, level.items);
        level.order.resize(level.items.size());
        std::iota(level.order.begin(), level.order.end(), 0u);
        level.fetched = std::uint32_t(std::min<std::size_t>(level.items.size(), std::size_t(m_batchSize)));
        sortLevel(level, level.fetched);
        level.moreRow = level.fetched < level.items.size();
    }
    const auto id = std::uint32_t(m_levels.size());
    m_levels.push_back(std::move(level)); // deque: `p` stays valid
    p.childLevels.push_back(id);
    m_childLevel.emplace(key, id);
    if (background)
        startOrdering(id);
    return id;
}

bool HeapTreeModel::isCycleIn(std::uint32_t level, const Row& row) const {
    if (!detectsCycles())
        return false;
    const auto node = nodeOf(row);
    if (!node)
        return false;
    for (std::uint32_t l = level; l != 0 && l != kNoLevel; l = m_levels[l].parentLevel) {
        const Row& owner = m_levels[l].owner;
        if (owner.side == row.side && nodeOf(owner) == node)
            return true;
    }
    return false;
}

QModelIndex HeapTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= columnCount(parent))
        return {};
    const std::uint32_t l = levelFor(parent);
    if (l == kNoLevel)
        return {};
    const Level& level = m_levels[l];
    if (std::uint32_t(row) >= level.fetched + (level.moreRow ? 1u : 0u))
        return {};
    return createIndex(row, column, quintptr(l));
}

QModelIndex HeapTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const auto l = std::uint32_t(child.internalId());
    if (l == 0 || l >= m_levels.size())
        return {};
    const Level& level = m_levels[l];
    if (level.dead)
        return {};
    return createIndex(level.rowInParent, 0, quintptr(level.parentLevel));
}

int HeapTreeModel::rowCount(const QModelIndex& parent) const {
    const std::uint32_t l = levelFor(parent);
    if (l == kNoLevel)
        return 0;
    const Level& level = m_levels[l];
    return int(level.fetched + (level.moreRow ? 1u : 0u));
}

bool HeapTreeModel::hasChildren(const QModelIndex& parent) const {
    if (!parent.isValid())
        return !m_levels.front().items.empty() || m_levels.front().busy;
    if (parent.column() != 0)
        return false;
    const auto l = std::uint32_t(parent.internalId());
    const Row row = rowAt(parent);
    if (row.kind == RowKind::More || isCycleIn(l, row))
        return false;
    const std::uint64_t key = (std::uint64_t(l) << 32) | m_levels[l].order[std::size_t(parent.row())];
    if (auto it = m_childLevel.find(key); it != m_childLevel.end())
        return !m_levels[it->second].items.empty() || m_levels[it->second].busy;
    return mayHaveChildren(row);
}

bool HeapTreeModel::canFetchMore(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0)
        return false;
    const std::uint32_t l = levelFor(parent);
    return l != kNoLevel && m_levels[l].moreRow && !m_levels[l].busy && !m_levels[l].reordering;
}

void HeapTreeModel::fetchMore(const QModelIndex& parent) {
    const std::uint32_t l = levelFor(parent);
    if (l == kNoLevel)
        return;
    fetchTo(l, parent, m_levels[l].fetched + std::uint32_t(l == 0 ? topLevelBatch() : m_batchSize));
}

void HeapTreeModel::fetchTo(std::uint32_t l, const QModelIndex& parent, std::uint32_t rows) {
    Level& level = m_levels[l];
    if (level.busy || level.reordering)
        return; // the rows come with the order
    rows = std::min<std::uint32_t>(rows, std::uint32_t(level.items.size()));
    if (rows <= level.fetched)
        return;
    // Sorting ahead (doubling) keeps the cost of paging through a huge level linear overall.
    if (rows > level.sorted)
        extendSorted(level, std::max<std::size_t>({rows, 2 * std::size_t(level.sorted), kSortAhead}));
    beginInsertRows(parent, int(level.fetched), int(rows) - 1);
    level.fetched = rows;
    endInsertRows();
    if (level.moreRow && level.fetched == level.items.size()) {
        beginRemoveRows(parent, int(level.fetched), int(level.fetched));
        level.moreRow = false;
        endRemoveRows();
    }
}

HeapTreeModel::Row HeapTreeModel::rowAt(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this)
        return {RowKind::More, 0, 0};
    const auto l = std::uint32_t(index.internalId());
    if (l >= m_levels.size())
        return {RowKind::More, 0, 0};
    const Level& level = m_levels[l];
    if (level.dead || std::uint32_t(index.row()) >= level.fetched)
        return {RowKind::More, 0, 0};
    return level.items[level.order[std::size_t(index.row())]];
}

bool HeapTreeModel::isMoreRow(const QModelIndex& index) const {
    return index.isValid() && rowAt(index).kind == RowKind::More;
}

bool HeapTreeModel::isCycle(const QModelIndex& index) const {
    if (!index.isValid())
        return false;
    return isCycleIn(std::uint32_t(index.internalId()), rowAt(index));
}

ObjectRef HeapTreeModel::objectAt(const QModelIndex& index) const {
    const Row row = rowAt(index);
    const auto node = nodeOf(row);
    if (!node)
        return {};
    return {analysisPtrForSide(row.side), *node};
}

int HeapTreeModel::totalChildCount(const QModelIndex& parent) const {
    const std::uint32_t l = levelFor(parent);
    return l == kNoLevel ? 0 : int(m_levels[l].busy ? m_levels[l].expected : m_levels[l].items.size());
}

QModelIndex HeapTreeModel::revealChild(const QModelIndex& parent,
                                       const std::function<bool(const Row&)>& accept) {
    const std::uint32_t l = levelFor(parent);
    if (l == kNoLevel)
        return {};
    settleLevel(l, parent);
    Level& level = m_levels[l];
    for (std::size_t row = 0; row < level.sorted; ++row) {
        if (!accept(level.items[level.order[row]]))
            continue;
        fetchTo(l, parent, std::uint32_t(row) + 1);
        return index(int(row), 0, parent);
    }
    // Not among the ordered rows: the first match in the unsorted rest is the smallest one, and its
    // row is the number of rows that sort before it.
    const heapscope::ObjectOrder less = sortLess();
    std::optional<SortEntry> best;
    for (std::size_t row = level.sorted; row < level.order.size(); ++row) {
        const std::uint32_t pos = level.order[row];
        if (!accept(level.items[pos]))
            continue;
        SortEntry e{sortKey(level.items[pos], m_sortColumn), pos};
        if (!best || less(e, *best))
            best = e;
    }
    if (!best)
        return {};
    std::size_t row = level.sorted;
    for (std::size_t r = level.sorted; r < level.order.size(); ++r) {
        const std::uint32_t pos = level.order[r];
        if (pos != best->pos && less(SortEntry{sortKey(level.items[pos], m_sortColumn), pos}, *best))
            ++row;
    }
    extendSorted(level, row + 1);
    Q_ASSERT(level.order[row] == best->pos);
    fetchTo(l, parent, std::uint32_t(row) + 1);
    return index(int(row), 0, parent);
}

QVariant HeapTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const Row row = rowAt(index);
    if (row.kind == RowKind::More) {
        if (role == ModelRoles::RowKindRole)
            return int(RowKind::More);
        const auto l = std::uint32_t(index.internalId());
        if (l >= m_levels.size() || index.column() != 0)
            return {};
        const Level& level = m_levels[l];
        if (level.busy) {
            switch (role) {
            case Qt::DisplayRole:
                if (l == 0 && !m_topBusyText.isEmpty())
                    return m_topBusyText;
                return tr("Sorting %1 rows…").arg(TextUtil::grouped(level.expected));
            case Qt::ForegroundRole:
                return QBrush(greyText());
            }
            return {};
        }
        // The text must not change as batches load (the row only moves down), so it names the total.
        switch (role) {
        case Qt::DisplayRole:
            return tr("More… (%1 in all; double-click to show the next %2)")
                .arg(TextUtil::grouped(level.items.size()))
                .arg(l == 0 ? topLevelBatch() : m_batchSize);
        case Qt::ForegroundRole:
            return QBrush(greyText());
        case Qt::ToolTipRole:
            return tr("%1 of %2 rows shown. Double-click to load more, or scroll to the end of the list.")
                .arg(TextUtil::grouped(level.fetched), TextUtil::grouped(level.items.size()));
        }
        return {};
    }
    if (role == ModelRoles::RowKindRole)
        return int(row.kind);
    if (role == ModelRoles::ObjectRefRole) {
        const ObjectRef ref = objectAt(index);
        return ref.isValid() ? QVariant::fromValue(ref) : QVariant();
    }
    const bool cycle = isCycleIn(std::uint32_t(index.internalId()), row);
    return rowData(row, index.column(), role, cycle);
}

Qt::ItemFlags HeapTreeModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (isMoreRow(index))
        f |= Qt::ItemNeverHasChildren;
    return f;
}

heapscope::ObjectOrder HeapTreeModel::sortLess() const {
    return {m_sortOrder == Qt::DescendingOrder, isNameColumn(m_sortColumn)};
}

void HeapTreeModel::sortLevel(Level& level, std::size_t rows) const {
    level.sorted = 0;
    // Ordering a few thousand rows costs no more than ordering one batch (the selection pass over
    // the level dominates), and views fetch the next batches as soon as the last row shows.
    extendSorted(level, std::max<std::size_t>(rows, kSortAhead));
}

bool HeapTreeModel::computeKeys(const Row* items, int column, const std::uint32_t* positions,
                                std::size_t count, SortEntry* out, const heapscope::StopFlag* stop,
                                QThreadPool* pool) const {
    auto run = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            if ((i & 4095) == 0 && stop && stop->stopRequested())
                return;
            const std::uint32_t pos = positions[i];
            out[i] = {sortKey(items[pos], column), pos};
        }
    };
    // The keys of millions of rows take most of the time; sortKey() only reads the immutable
    // analysis, so the pool's threads share the work while this thread waits (or works along).
    constexpr std::size_t kParallelFrom = 100'000;
    const std::size_t chunks =
        count < kParallelFrom ? 1 : std::size_t(std::clamp(QThread::idealThreadCount(), 1, 16));
    if (chunks == 1) {
        run(0, count);
    } else {
        std::vector<std::size_t> starts(chunks);
        std::iota(starts.begin(), starts.end(), std::size_t(0));
        auto chunk = [&](std::size_t c) { run(count * c / chunks, count * (c + 1) / chunks); };
        if (pool)
            QtConcurrent::blockingMap(pool, starts, chunk);
        else
            QtConcurrent::blockingMap(starts, chunk);
    }
    return !(stop && stop->stopRequested());
}

void HeapTreeModel::extendSorted(Level& level, std::size_t rows) const {
    const std::size_t n = level.items.size();
    rows = std::min(rows, n);
    if (rows <= level.sorted)
        return;
    const std::size_t from = level.sorted;
    std::vector<SortEntry> entries(n - from);
    computeKeys(level.items.data(), m_sortColumn, level.order.data() + from, entries.size(), entries.data(),
                nullptr);
    level.sorted = std::uint32_t(from + heapscope::orderFirst(entries, rows - from, sortLess()));
    for (std::size_t i = 0; i < entries.size(); ++i)
        level.order[from + i] = entries[i].pos;
}

void HeapTreeModel::killLevel(std::uint32_t l) {
    Level& level = m_levels[l];
    if (level.dead)
        return;
    dropOrderingJob(l);
    level.dead = true;
    m_childLevel.erase((std::uint64_t(level.parentLevel) << 32) | level.parentPos);
    for (std::uint32_t c : level.childLevels)
        killLevel(c);
    level.childLevels.clear();
    level.items = {};
    level.order = {};
    level.sorted = 0;
    level.fetched = 0;
    level.moreRow = false;
    level.busy = false;
    level.reordering = false;
}

QModelIndex HeapTreeModel::ownerIndex(std::uint32_t l) const {
    if (l == 0)
        return {};
    const Level& level = m_levels[l];
    return createIndex(level.rowInParent, 0, quintptr(level.parentLevel));
}

void HeapTreeModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= columnCount())
        return;
    stopBackgroundOrdering(); // every order on its way is for the old column
    relayout([&] {
        m_sortColumn = column;
        m_sortOrder = order;
        for (std::uint32_t l = 0; l < m_levels.size(); ++l) {
            Level& level = m_levels[l];
            if (level.dead)
                continue;
            if (l != 0 && (level.busy || level.items.size() >= m_backgroundFrom)) {
                // Keeps its rows (or its busy row) until the new order is there.
                level.reordering = !level.busy;
                startOrdering(l);
            } else {
                sortLevel(level, level.fetched);
            }
        }
    });
}

void HeapTreeModel::relayout(const std::function<void()>& reorder) {
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);

    // Remember where every persistent index points in source terms.
    const QModelIndexList before = persistentIndexList();
    struct Saved {
        std::uint32_t level;
        std::int64_t pos; // -1: the "more" row
        int column;
    };
    std::vector<Saved> saved;
    saved.reserve(std::size_t(before.size()));
    for (const QModelIndex& idx : before) {
        const auto l = std::uint32_t(idx.internalId());
        const Level& level = m_levels[l];
        const bool more = level.dead || std::uint32_t(idx.row()) >= level.fetched;
        saved.push_back({l, more ? -1 : std::int64_t(level.order[std::size_t(idx.row())]), idx.column()});
    }

    reorder();

    // Inverse permutations, only where needed.
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> inverses;
    auto inverse = [&](std::uint32_t l) -> const std::vector<std::uint32_t>& {
        auto it = inverses.find(l);
        if (it != inverses.end())
            return it->second;
        const Level& level = m_levels[l];
        std::vector<std::uint32_t> inv(level.order.size());
        for (std::size_t row = 0; row < level.order.size(); ++row)
            inv[level.order[row]] = std::uint32_t(row);
        return inverses.emplace(l, std::move(inv)).first->second;
    };
    for (std::uint32_t l = 0; l < m_levels.size(); ++l) {
        Level& level = m_levels[l];
        if (level.dead || level.childLevels.empty())
            continue;
        const auto& inv = inverse(l);
        std::vector<std::uint32_t> keep;
        for (std::uint32_t c : level.childLevels) {
            const std::uint32_t row = inv[m_levels[c].parentPos];
            if (row < level.fetched) {
                m_levels[c].rowInParent = int(row);
                keep.push_back(c);
            } else {
                // Sorted out of the loaded rows: forget the expansion below it.
                killLevel(c);
            }
        }
        level.childLevels = std::move(keep);
    }

    QModelIndexList after;
    after.reserve(before.size());
    for (const Saved& s : saved) {
        const Level& level = m_levels[s.level];
        if (level.dead) {
            after.append(QModelIndex());
        } else if (s.pos < 0) {
            after.append(level.moreRow ? createIndex(int(level.fetched), s.column, quintptr(s.level))
                                       : QModelIndex());
        } else {
            const std::uint32_t row = inverse(s.level)[std::size_t(s.pos)];
            after.append(row < level.fetched ? createIndex(int(row), s.column, quintptr(s.level))
                                             : QModelIndex());
        }
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

// ---- ordering big levels on the pool ----

bool HeapTreeModel::isOrdering() const {
    return m_ordering;
}

bool HeapTreeModel::isBusyRow(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this)
        return false;
    const auto l = std::uint32_t(index.internalId());
    return l < m_levels.size() && m_levels[l].busy && index.row() == 0;
}

void HeapTreeModel::updateOrdering() {
    bool ordering = false;
    for (const auto& [l, job] : m_orderJobs)
        ordering = ordering || (l < m_levels.size() && (m_levels[l].busy || m_levels[l].reordering));
    if (ordering == m_ordering)
        return;
    m_ordering = ordering;
    Q_EMIT orderingChanged(ordering);
}

void HeapTreeModel::startOrdering(std::uint32_t l) const {
    auto* self = const_cast<HeapTreeModel*>(this);
    BackgroundJob*& job = m_orderJobs[l];
    if (!job)
        job = new BackgroundJob(self);
    // Its address stays (a deque), and nothing changes its rows while it is ordered.
    const Level* level = &m_levels[l];
    // The worker reads this model (sortKey) under the keys lock, then only its own entries; their
    // texts point into what sortKeyOwner() keeps alive.
    const std::size_t rows = std::max<std::size_t>({level->fetched, std::size_t(m_batchSize), kSortAhead});
    job->start(
        [self, level, column = m_sortColumn, rows, lock = m_keysLock, owner = sortKeyOwner(),
         less = sortLess()](JobContext& context) {
            OrderResult result;
            result.owner = owner;
            std::vector<SortEntry> entries;
            {
                std::lock_guard guard(*lock);
                if (context.stopRequested())
                    return result;
                // A busy level's rows are made here too (millions of them take a while to write).
                const bool make = level->busy && level->items.empty();
                if (make)
                    self->populate(&level->owner, result.items);
                const std::vector<Row>& items = make ? result.items : level->items;
                std::vector<std::uint32_t> identity;
                const std::uint32_t* positions = level->order.data();
                if (make) {
                    identity.resize(items.size());
                    std::iota(identity.begin(), identity.end(), 0u);
                    positions = identity.data();
                }
                entries.resize(items.size());
                if (!self->computeKeys(items.data(), column, positions, entries.size(), entries.data(),
                                       context.work().stop, BackgroundJob::pool()))
                    return result;
            }
            result.sorted = std::uint32_t(heapscope::orderFirst(entries, rows, less, context.work()));
            result.order.resize(entries.size());
            for (std::size_t i = 0; i < entries.size(); ++i)
                result.order[i] = entries[i].pos;
            result.rest.assign(entries.begin() + result.sorted, entries.end());
            return result;
        },
        [self, l](OrderResult result) { self->installOrder(l, std::move(result)); });
    self->updateOrdering();
}

void HeapTreeModel::installOrder(std::uint32_t l, OrderResult result) {
    if (l >= m_levels.size() || m_levels[l].dead)
        return;
    Level& level = m_levels[l];
    if (level.busy && level.items.empty())
        level.items = std::move(result.items);
    if (result.order.size() != level.items.size())
        return;
    if (level.busy) {
        level.order = std::move(result.order);
        level.sorted = result.sorted;
        level.busy = false;
        const QModelIndex parent = ownerIndex(l);
        // The busy row becomes the "more" row below the first batch (or goes).
        Q_EMIT dataChanged(index(0, 0, parent), index(0, columnCount(parent) - 1, parent));
        showFirstRows(l, parent);
    } else if (level.reordering) {
        relayout([&] {
            level.order = std::move(result.order);
            level.sorted = result.sorted;
            level.reordering = false;
        });
    } else {
        return;
    }
    updateOrdering();
    if (result.rest.empty())
        return;
    // The rest in order too, on the pool: paging through the level then costs only the rows shown.
    // The order is a strict total one, so this agrees with any rows ordered here meanwhile.
    const std::uint32_t from = result.sorted;
    m_orderJobs[l]->start(
        [rest = std::move(result.rest), owner = std::move(result.owner),
         less = sortLess()](JobContext& context) mutable {
            std::vector<std::uint32_t> positions;
            if (!heapscope::orderAll(rest, less, context.work()))
                return positions; // stopped: dropped anyway
            positions.resize(rest.size());
            for (std::size_t i = 0; i < rest.size(); ++i)
                positions[i] = rest[i].pos;
            return positions;
        },
        [this, l, from](std::vector<std::uint32_t> positions) {
            if (l >= m_levels.size())
                return;
            Level& level = m_levels[l];
            if (level.dead || level.busy || level.reordering || from + positions.size() != level.order.size())
                return;
            std::copy(positions.begin(), positions.end(), level.order.begin() + from);
            level.sorted = std::uint32_t(level.order.size());
        });
}

void HeapTreeModel::showFirstRows(std::uint32_t l, const QModelIndex& parent) {
    fetchTo(l, parent, std::uint32_t(m_batchSize));
    Level& level = m_levels[l];
    if (level.moreRow && level.fetched >= level.items.size()) { // no rows after all
        beginRemoveRows(parent, int(level.fetched), int(level.fetched));
        level.moreRow = false;
        endRemoveRows();
    }
}

void HeapTreeModel::settleLevel(std::uint32_t l, const QModelIndex& parent) {
    Level& level = m_levels[l];
    if (!level.busy && !level.reordering)
        return;
    if (l == 0 && level.busy)
        return; // a top level computed by the subclass (rebuildBusy()): no rows to settle yet
    dropOrderingJob(l);
    if (level.busy) {
        if (level.items.empty()) {
            populate(&level.owner, level.items);
            level.order.resize(level.items.size());
            std::iota(level.order.begin(), level.order.end(), 0u);
        }
        sortLevel(level, std::size_t(m_batchSize));
        level.busy = false;
        Q_EMIT dataChanged(index(0, 0, parent), index(0, columnCount(parent) - 1, parent));
        showFirstRows(l, parent);
    } else {
        relayout([&] {
            sortLevel(level, level.fetched);
            level.reordering = false;
        });
    }
    updateOrdering();
}

void HeapTreeModel::dropOrderingJob(std::uint32_t l) {
    auto it = m_orderJobs.find(l);
    if (it == m_orderJobs.end())
        return;
    BackgroundJob* job = it->second;
    m_orderJobs.erase(it);
    job->cancel();
    {
        std::lock_guard guard(*m_keysLock); // its worker no longer reads this model
    }
    job->deleteLater();
    updateOrdering();
}

void HeapTreeModel::stopBackgroundOrdering() {
    if (m_orderJobs.empty())
        return;
    for (auto& [l, job] : m_orderJobs) {
        job->cancel();
        job->deleteLater();
        if (l < m_levels.size()) {
            // A busy level stays busy (sort() orders it again; a reset drops it).
            m_levels[l].reordering = false;
        }
    }
    m_orderJobs.clear();
    {
        std::lock_guard guard(*m_keysLock); // no worker reads this model any more
    }
    updateOrdering();
}

// ---- helpers shared by the subclasses ----

std::optional<heapscope::NodeOrdinal> HeapTreeModel::nodeOf(const Row& row) const {
    const heapscope::Analysis* a = analysisForSide(row.side);
    if (!a)
        return std::nullopt;
    const heapscope::Snapshot& s = *a->snapshot;
    switch (row.kind) {
    case RowKind::Object:
        return row.node();
    case RowKind::Edge:
        return s.edgeTo[row.edgeValue()];
    case RowKind::Retainer:
        return s.retainerSource()[row.slot()];
    default:
        return std::nullopt;
    }
}

std::size_t HeapTreeModel::childCountHint(const Row& row) const {
    const auto node = nodeOf(row);
    const heapscope::Analysis* a = analysisForSide(row.side);
    if (!node || !a)
        return 0;
    return a->snapshot->edgesOf(*node).size();
}

bool HeapTreeModel::mayHaveChildren(const Row& row) const {
    const auto node = nodeOf(row);
    return node && nodeHasEdges(*node, row.side);
}

void HeapTreeModel::appendEdges(heapscope::NodeOrdinal node, std::uint8_t side, std::vector<Row>& out) const {
    const auto edges = analysisForSide(side)->snapshot->edgesOf(node);
    out.reserve(out.size() + edges.size());
    for (heapscope::EdgeOrdinal e : edges)
        out.push_back({RowKind::Edge, side, e.value});
}

bool HeapTreeModel::nodeHasEdges(heapscope::NodeOrdinal node, int side) const {
    const heapscope::Analysis* a = analysisForSide(side);
    return a && !a->snapshot->edgesOf(node).empty();
}

QVariant HeapTreeModel::objectColumnData(const Row& row, int role, bool cycle) const {
    const heapscope::Analysis* a = analysisForSide(row.side);
    const auto node = nodeOf(row);
    if (!a || !node)
        return {};
    const heapscope::Snapshot& s = *a->snapshot;
    const bool hasEdge = row.kind == RowKind::Edge || row.kind == RowKind::Retainer;
    const heapscope::EdgeOrdinal edge = row.kind == RowKind::Retainer ? row.edge : row.edgeValue();
    switch (role) {
    case Qt::DisplayRole: {
        QString text;
        if (hasEdge)
            text = TextUtil::toQString(heapscope::format::edgeName(s, edge)) +
                   (row.kind == RowKind::Edge ? u" :: "_s : u" in "_s);
        return QString(text + TextUtil::toQString(heapscope::format::nodeLabelWithId(*a, *node)));
    }
    case ModelRoles::EdgeNameRole:
        return hasEdge ? TextUtil::toQString(heapscope::format::edgeName(s, edge)) : QVariant();
    case ModelRoles::EdgeKindRole:
        return hasEdge ? QVariant(int(s.edgeKind(edge))) : QVariant();
    case ModelRoles::SeparatorRole:
        return row.kind == RowKind::Edge ? u"::"_s : (row.kind == RowKind::Retainer ? u"in"_s : QString());
    case ModelRoles::LabelRole:
        return TextUtil::toQString(heapscope::format::nodeLabel(*a, *node));
    case ModelRoles::IdRole:
        return TextUtil::idText(*a, *node);
    case ModelRoles::DetachedRole:
        return bool(a->flags[*node] & heapscope::kFlagDetachedDom);
    case ModelRoles::GreyedRole:
        return cycle;
    case Qt::ForegroundRole:
        return cycle ? QVariant(QBrush(greyText())) : QVariant();
    case Qt::ToolTipRole: {
        QString tip = TextUtil::toQString(a->displayName(*node));
        if (tip.size() > 500)
            tip = tip.left(500) + u'…';
        tip += u"\n"_s + tr("Class: %1").arg(TextUtil::toQString(a->classInfo(*node).name));
        tip += u"\n"_s + tr("Type: %1").arg(TextUtil::toQString(s.typeName(*node)));
        if (hasEdge)
            tip += u"\n"_s + tr("Edge: %1 (%2)")
                                 .arg(TextUtil::toQString(s.edgeNameText(edge)),
                                      TextUtil::toQString(s.edgeTypeName(edge)));
        if (cycle)
            tip += u"\n"_s + tr("Already shown above on this path (a cycle).");
        return tip;
    }
    case ModelRoles::SortRole:
        return TextUtil::toQString(a->rawName(*node));
    }
    return {};
}

HeapTreeModel::SortKey HeapTreeModel::objectSortKey(const Row& row) const {
    const heapscope::Analysis* a = analysisForSide(row.side);
    const auto node = nodeOf(row);
    if (!a || !node)
        return {};
    // Views into the string table: rawName() would build a string per row.
    return row.kind == RowKind::Edge ? heapscope::edgeOrderKey(*a->snapshot, row.edgeValue())
                                     : heapscope::nodeOrderKey(*a->snapshot, *node);
}

QVariant HeapTreeModel::sizeCellData(std::uint64_t bytes, std::uint64_t total, int role) const {
    switch (role) {
    case Qt::DisplayRole:
        return TextUtil::sizeKB(bytes);
    case ModelRoles::PercentRole:
        return TextUtil::percent(bytes, total);
    case Qt::ToolTipRole:
        return TextUtil::exactBytes(bytes);
    case ModelRoles::BytesRole:
    case ModelRoles::SortRole:
        return qulonglong(bytes);
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}
