// SPDX-License-Identifier: MIT
// The closure analysis as a tree: scopes (biggest first), their contexts, each context's fields that
// no live closure can read.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/contexts.h>
#endif

#include <QAbstractItemModel>
#include <QStringList>

#include <optional>

class ClosuresModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DeadRetainedColumn, RetainedColumn, ShallowColumn, ColumnCount };
    enum Role { LocationRole = Qt::UserRole + 1 }; ///< "url:line:column" of the row's scope

    explicit ClosuresModel(QObject* parent = nullptr);
    void setResult(heapscope::AnalysisPtr analysis, heapscope::ContextAnalysisPtr result);
    const heapscope::ContextAnalysis* result() const { return m_result.get(); }

    /// What a row stands for.
    enum class Kind { None, Scope, Context, Field };
    Kind kind(const QModelIndex& index) const;
    /// The scope a row belongs to, or null.
    const heapscope::ScopeReport* scopeOf(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    // internalId: 0 for scope rows, scope + 1 for context rows, (scope + 1) << 32 | (context + 1)
    // for field rows.
    heapscope::AnalysisPtr m_analysis;
    heapscope::ContextAnalysisPtr m_result;
    QStringList m_locations;                ///< per scope, "url:line:column"
    std::vector<std::uint64_t> m_scopeDead; ///< per scope, its contexts' dead fields' retained sizes
};
