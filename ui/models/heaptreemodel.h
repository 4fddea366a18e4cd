// SPDX-License-Identifier: MIT
// The lazy tree model every heap view is built on.
#pragma once

#include "objectref.h"

#include <QAbstractItemModel>

#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

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
class HeapTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum class RowKind : std::uint8_t { Class, Object, Edge, Retainer, More };
    struct Row {
        RowKind kind = RowKind::Object;
        std::uint8_t side = 0;   ///< which analysis the row belongs to (Comparison: 0 current, 1 base)
        std::uint32_t value = 0; ///< class row, node ordinal, edge ordinal or retainer slot
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

protected:
    /// How a row compares when sorting a level. Numeric columns compare `number` first (in the chosen
    /// direction), then the text ascending, then `tie`; name columns compare the text in the chosen
    /// direction, then `tie`. Names that are numbers (element indexes) sort after string names.
    struct SortKey {
        double number = 0;
        std::string_view text;
        std::int64_t textNumber = -1; ///< >= 0 when the name is this integer
        std::uint64_t tie = 0;
        bool last = false; ///< "__proto__" edges stay last whatever the direction
    };

    /// The rows of the top level (owner null) or the children of `owner`, in source order.
    virtual void populate(const Row* owner, std::vector<Row>& children) const = 0;
    /// Cheap test for the expander; may say yes for a row whose children all turn out to be hidden.
    virtual bool mayHaveChildren(const Row& row) const;
    /// The analysis a row's node belongs to.
    virtual const heapscope::Analysis* analysisForSide(int side) const = 0;
    virtual heapscope::AnalysisPtr analysisPtrForSide(int side) const = 0;
    virtual QVariant rowData(const Row& row, int column, int role, bool cycle) const = 0;
    virtual SortKey sortKey(const Row& row, int column) const = 0;
    /// Columns sorted by name (text first) rather than by number.
    virtual bool isNameColumn(int column) const { return column == 0; }
    virtual bool detectsCycles() const { return true; }
    virtual int topLevelBatch() const { return INT_MAX; }

    /// The node a row shows, if any.
    std::optional<std::uint32_t> nodeOf(const Row& row) const;
    /// Appends one Edge row per outgoing edge of `node`.
    void appendEdges(std::uint32_t node, std::uint8_t side, std::vector<Row>& out) const;
    bool nodeHasEdges(std::uint32_t node, int side) const;

    /// Shared cell contents of the object column (edge name, separator, label, id) and its sort key.
    QVariant objectColumnData(const Row& row, int role, bool cycle) const;
    SortKey objectSortKey(const Row& row) const;
    /// Size cells: "12.3 kB" with "5 %" beside, exact bytes in the tooltip.
    QVariant sizeCellData(std::uint64_t bytes, std::uint64_t total, int role) const;

    /// Drops every level and rebuilds the top one; call between beginResetModel() and endResetModel().
    void rebuild();
    /// Source order of the top level was re-populated by the subclass (filter change).
    void setSortColumnSilently(int column, Qt::SortOrder order) {
        m_sortColumn = column;
        m_sortOrder = order;
    }

private:
    static constexpr std::uint32_t kNoLevel = 0xffffffffu;
    static constexpr std::size_t kSortAhead = 4096; ///< rows a partial sort orders at least
    struct SortEntry {
        SortKey key;
        std::uint32_t pos = 0;
    };
    /// The row order for the current sort column and direction (a strict total order).
    struct SortLess {
        bool desc = false;
        bool byName = false;
        bool operator()(const SortEntry& a, const SortEntry& b) const;
    };
    SortLess sortLess() const;
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
        std::vector<std::uint32_t> childLevels;
    };

    std::uint32_t levelFor(const QModelIndex& parent) const;
    bool isCycleIn(std::uint32_t level, const Row& row) const;
    /// Orders the first `rows` rows of a level from scratch (its items in any order before).
    void sortLevel(Level& level, std::size_t rows) const;
    /// Makes at least the first `rows` rows final, keeping those already sorted.
    void extendSorted(Level& level, std::size_t rows) const;
    void killLevel(std::uint32_t level);
    void fetchTo(std::uint32_t level, const QModelIndex& parent, std::uint32_t rows);

    mutable std::deque<Level> m_levels; // 0 is the top level; ids never move
    mutable std::unordered_map<std::uint64_t, std::uint32_t> m_childLevel; // (level, source pos) -> level
    int m_sortColumn = 0;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    int m_batchSize = 100;
};
