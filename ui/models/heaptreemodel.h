// SPDX-License-Identifier: MIT
// The lazy tree model every heap view is built on.
#pragma once

#include "objectref.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/ordering.h>
#endif

#include <QAbstractItemModel>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

class BackgroundJob;
class QThreadPool;

/// A read-only tree over the immutable analysis bundles, for graphs with millions of nodes.
///
/// Rows are small value records (kind + a number: class row, node ordinal, edge ordinal or
/// retainer slot). A *level* (the children of one expanded row) is created when the view first asks
/// for those children and is kept in an arena; an index stores its level number in `internalId`, so
/// `index()` and `parent()` are O(1) and the same heap object may appear at any number of places
/// (graphs with cycles). A level keeps its children in source order plus a row→source permutation;
/// sorting permutes, and persistent indexes follow their rows. Children are revealed in batches
/// (`fetchMore`), with a trailing "N more…" row that loads the next batch when activated. Only the
/// rows revealed so far need an order, so a level is sorted partially (selection, then a sort of
/// that prefix) and extended as more rows load: a class with millions of instances sorts in O(n).
///
/// Levels of `backgroundFrom()` rows or more (a class with millions of instances) are ordered on the
/// thread pool: a newly expanded one shows a single busy row until its first rows are ordered, and a
/// re-sorted one keeps its rows until the new order is ready (then one layout change). The rest of
/// such a level is sorted completely afterwards, still off the GUI thread, so paging through it
/// costs only the rows shown.
class HeapTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum class RowKind : std::uint8_t { Class, Object, Edge, Retainer, More };
    struct Row {
        RowKind kind = RowKind::Object;
        std::uint8_t side = 0;   ///< which analysis the row belongs to (Comparison: 0 current, 1 base)
        std::uint32_t value = 0; ///< class row, node ordinal, edge ordinal or retainer slot (by kind)
        /// A retainer row's edge (found once, when its level is made).
        heapscope::EdgeOrdinal edge = heapscope::kNoEdge;
        /// `value` read as what the kind says it is.
        heapscope::NodeOrdinal node() const { return heapscope::NodeOrdinal(value); }
        heapscope::EdgeOrdinal edgeValue() const { return heapscope::EdgeOrdinal(value); }
        heapscope::RetainerSlot slot() const { return heapscope::RetainerSlot(value); }
    };

    explicit HeapTreeModel(QObject* parent = nullptr);
    ~HeapTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    /// Children revealed per fetchMore (DevTools: 100, Comparison 50).
    void setBatchSize(int n) { m_batchSize = std::max(1, n); }
    int batchSize() const { return m_batchSize; }
    /// Child levels with at least this many rows are ordered on the thread pool.
    void setBackgroundFrom(std::size_t rows) { m_backgroundFrom = std::max<std::size_t>(1, rows); }
    std::size_t backgroundFrom() const { return m_backgroundFrom; }
    /// True while some level is being ordered in the background.
    bool isOrdering() const;
    /// True for the row a level shows while its first rows are being ordered.
    bool isBusyRow(const QModelIndex& index) const;

    bool isMoreRow(const QModelIndex& index) const;
    /// The heap object a row shows (the target of an edge row, the retaining object of a retainer row).
    ObjectRef objectAt(const QModelIndex& index) const;
    /// All children of `parent`, loaded or not.
    int totalChildCount(const QModelIndex& parent) const;
    /// Loads batches until the first child (in the current order) accepted by `accept` is loaded, and
    /// returns it; invalid when none matches.
    QModelIndex revealChild(const QModelIndex& parent, const std::function<bool(const Row&)>& accept);
    /// The row record behind an index (RowKind::More for the trailing row).
    Row rowAt(const QModelIndex& index) const;
    /// True when the row's object already appears among its ancestors (drawn greyed, not expandable).
    bool isCycle(const QModelIndex& index) const;

Q_SIGNALS:
    /// Background ordering started (true) or every level is ordered (false).
    void orderingChanged(bool ordering);

protected:
    /// How a row compares when sorting a level: DevTools' ordering, in core (heapscope/ordering.h).
    using SortKey = heapscope::OrderKey;

    /// The rows of the top level (owner null) or the children of `owner`, in source order.
    virtual void populate(const Row* owner, std::vector<Row>& children) const = 0;
    /// Cheap test for the expander; may say yes for a row whose children all turn out to be hidden.
    virtual bool mayHaveChildren(const Row& row) const;
    /// About how many children populate() gives (an upper bound is fine): a level of
    /// backgroundFrom() or more is made and ordered on the pool. Default: the object's edge count.
    virtual std::size_t childCountHint(const Row& row) const;
    /// The analysis a row's node belongs to.
    virtual const heapscope::Analysis* analysisForSide(int side) const = 0;
    virtual heapscope::AnalysisPtr analysisPtrForSide(int side) const = 0;
    virtual QVariant rowData(const Row& row, int column, int role, bool cycle) const = 0;
    virtual SortKey sortKey(const Row& row, int column) const = 0;
    /// Columns sorted by name (text first) rather than by number.
    virtual bool isNameColumn(int column) const { return column == 0; }
    virtual bool detectsCycles() const { return true; }
    virtual int topLevelBatch() const { return INT_MAX; }
    /// What the sort keys' texts point into (kept alive while a level is ordered in the background).
    virtual std::shared_ptr<const void> sortKeyOwner() const { return analysisPtrForSide(0); }

    /// Stops ordering levels in the background and waits until no worker reads this model any more
    /// (a few milliseconds at most). Subclasses call it before they change what sortKey() reads;
    /// beginResetModel() and sort() call it too.
    void stopBackgroundOrdering();

    /// The node a row shows, if any.
    std::optional<heapscope::NodeOrdinal> nodeOf(const Row& row) const;
    /// Appends one Edge row per outgoing edge of `node`.
    void appendEdges(heapscope::NodeOrdinal node, std::uint8_t side, std::vector<Row>& out) const;
    bool nodeHasEdges(heapscope::NodeOrdinal node, int side) const;

    /// Shared cell contents of the object column (edge name, separator, label, id) and its sort key.
    QVariant objectColumnData(const Row& row, int role, bool cycle) const;
    SortKey objectSortKey(const Row& row) const;
    /// Size cells: "12.3 kB" with "5 %" beside, exact bytes in the tooltip.
    QVariant sizeCellData(std::uint64_t bytes, std::uint64_t total, int role) const;

    /// Drops every level and rebuilds the top one; call between beginResetModel() and endResetModel().
    void rebuild();
    /// Drops every level; the top one shows a single busy row saying `text` until the next rebuild()
    /// (for a subclass whose top rows are computed in the background). Call between
    /// beginResetModel() and endResetModel().
    void rebuildBusy(const QString& text);
    /// Source order of the top level was re-populated by the subclass (filter change).
    void setSortColumnSilently(int column, Qt::SortOrder order) {
        m_sortColumn = column;
        m_sortOrder = order;
    }

private:
    static constexpr std::uint32_t kNoLevel = 0xffffffffu;
    static constexpr std::size_t kSortAhead = 4096; ///< rows a partial sort orders at least
    using SortEntry = heapscope::OrderEntry;
    /// The row order for the current sort column and direction (a strict total order).
    heapscope::ObjectOrder sortLess() const;
    /// A level's order as computed off the GUI thread.
    struct OrderResult {
        std::vector<std::uint32_t> order;  ///< row -> source position, every row
        std::uint32_t sorted = 0;          ///< order[0, sorted) is final
        std::vector<SortEntry> rest;       ///< the other rows' keys, for the complete sort after
        std::vector<Row> items;            ///< a busy level's rows, made on the pool
        std::shared_ptr<const void> owner; ///< what the keys' texts point into
    };
    struct Level {
        Row owner;
        std::uint32_t parentLevel = kNoLevel;
        std::uint32_t parentPos = 0; ///< source position of the owner in its level
        int rowInParent = 0;
        std::vector<Row> items;           ///< children in source order
        std::vector<std::uint32_t> order; ///< row -> source position
        std::uint32_t sorted = 0;         ///< order[0, sorted) is final; the rest is the remaining set
        std::uint32_t fetched = 0;
        bool moreRow = false;
        bool dead = false;
        bool busy = false;        ///< its rows are being made and ordered: one busy row, no items yet
        std::size_t expected = 0; ///< a busy level's childCountHint()
        bool reordering = false;  ///< a new order is on its way: no fetching until it is there
        std::vector<std::uint32_t> childLevels;
    };

    std::uint32_t levelFor(const QModelIndex& parent) const;
    bool isCycleIn(std::uint32_t level, const Row& row) const;
    /// Orders the first `rows` rows of a level from scratch (its items in any order before).
    void sortLevel(Level& level, std::size_t rows) const;
    /// Makes at least the first `rows` rows final, keeping those already sorted.
    void extendSorted(Level& level, std::size_t rows) const;
    /// Sort keys of `count` rows (by source position) into `out`, on the pool's threads for many
    /// rows; false when `stop` was raised.
    bool computeKeys(const Row* items, int column, const std::uint32_t* positions, std::size_t count,
                     SortEntry* out, const heapscope::StopFlag* stop, QThreadPool* pool = nullptr) const;
    void killLevel(std::uint32_t level);
    void fetchTo(std::uint32_t level, const QModelIndex& parent, std::uint32_t rows);
    QModelIndex ownerIndex(std::uint32_t level) const;
    /// Runs `reorder` (which changes the order of some levels) inside one layout change, keeping
    /// persistent indexes and expansions on their rows.
    void relayout(const std::function<void()>& reorder);
    /// Orders a level on the pool (its busy row, or its rows kept until the new order is there).
    void startOrdering(std::uint32_t level) const;
    void installOrder(std::uint32_t level, OrderResult result);
    /// A busy level's rows are there: its first batch replaces the busy row.
    void showFirstRows(std::uint32_t level, const QModelIndex& parent);
    /// Finishes a level's background ordering on this thread now (revealChild needs its rows).
    void settleLevel(std::uint32_t level, const QModelIndex& parent);
    void dropOrderingJob(std::uint32_t level);
    void updateOrdering();

    mutable std::deque<Level> m_levels; // 0 is the top level; ids never move
    mutable std::unordered_map<std::uint64_t, std::uint32_t> m_childLevel; // (level, source pos) -> level
    mutable std::unordered_map<std::uint32_t, BackgroundJob*> m_orderJobs; // level -> its ordering
    /// Held by a worker while it reads this model (the keys); stopBackgroundOrdering() waits for it.
    std::shared_ptr<std::mutex> m_keysLock = std::make_shared<std::mutex>();
    int m_sortColumn = 0;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    int m_batchSize = 100;
    std::size_t m_backgroundFrom = 100'000;
    bool m_ordering = false;
    QString m_topBusyText; ///< the busy row's text while the top level is computed (rebuildBusy())
};
