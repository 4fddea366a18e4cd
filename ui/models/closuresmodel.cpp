// SPDX-License-Identifier: MIT
#include "closuresmodel.h"

#include "modelroles.h"
#include "objectref.h"
#include "textutil.h"

using namespace Qt::StringLiterals;

namespace {
constexpr quintptr kFieldBit = quintptr(1) << 62;
}

ClosuresModel::ClosuresModel(QObject* parent) : QAbstractItemModel(parent) {}

void ClosuresModel::setResult(heapscope::AnalysisPtr analysis, heapscope::ContextAnalysisPtr result) {
    beginResetModel();
    m_analysis = std::move(analysis);
    m_result = std::move(result);
    m_locations.clear();
    m_scopeDead.clear();
    if (m_result)
        for (const auto& s : m_result->scopes) {
            m_locations.append(TextUtil::toQString(heapscope::scopeLocationText(*m_analysis, s)));
            std::uint64_t sum = 0;
            for (const auto& c : s.contexts)
                sum += c.deadFieldsRetainedSizeSum;
            m_scopeDead.push_back(sum);
        }
    endResetModel();
}

ClosuresModel::Kind ClosuresModel::kind(const QModelIndex& index) const {
    if (!index.isValid() || !m_result)
        return Kind::None;
    const quintptr id = index.internalId();
    return id == 0 ? Kind::Scope : (id & kFieldBit) ? Kind::Field : Kind::Context;
}

const heapscope::ScopeReport* ClosuresModel::scopeOf(const QModelIndex& index) const {
    switch (kind(index)) {
    case Kind::None:
        return nullptr;
    case Kind::Scope:
        return &m_result->scopes[std::size_t(index.row())];
    case Kind::Context:
        return &m_result->scopes[std::size_t(index.internalId() - 1)];
    case Kind::Field:
        return &m_result->scopes[std::size_t(((index.internalId() & ~kFieldBit) >> 32) - 1)];
    }
    return nullptr;
}

QModelIndex ClosuresModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    switch (kind(parent)) {
    case Kind::None:
        return createIndex(row, column, quintptr(0));
    case Kind::Scope:
        return createIndex(row, column, quintptr(parent.row()) + 1);
    case Kind::Context:
        return createIndex(row, column,
                           kFieldBit | (quintptr(parent.internalId()) << 32) | quintptr(parent.row() + 1));
    case Kind::Field:
        break;
    }
    return {};
}

QModelIndex ClosuresModel::parent(const QModelIndex& child) const {
    switch (kind(child)) {
    case Kind::None:
    case Kind::Scope:
        return {};
    case Kind::Context:
        return createIndex(int(child.internalId() - 1), 0, quintptr(0));
    case Kind::Field: {
        const quintptr scope = (child.internalId() & ~kFieldBit) >> 32; // scope + 1
        const int context = int(child.internalId() & 0xFFFFFFFFu) - 1;
        return createIndex(context, 0, scope);
    }
    }
    return {};
}

int ClosuresModel::rowCount(const QModelIndex& parent) const {
    if (!m_result)
        return 0;
    if (parent.isValid() && parent.column() != 0)
        return 0;
    switch (kind(parent)) {
    case Kind::None:
        return int(m_result->scopes.size());
    case Kind::Scope:
        return int(m_result->scopes[std::size_t(parent.row())].contexts.size());
    case Kind::Context:
        return int(scopeOf(parent)->contexts[std::size_t(parent.row())].deadFields.size());
    case Kind::Field:
        return 0;
    }
    return 0;
}

int ClosuresModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant ClosuresModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Scope / context / field no live closure can read");
    case DeadRetainedColumn:
        return tr("Dead fields retain");
    case RetainedColumn:
        return tr("Retained Size");
    case ShallowColumn:
        return tr("Shallow Size");
    }
    return {};
}

QVariant ClosuresModel::data(const QModelIndex& index, int role) const {
    const Kind k = kind(index);
    if (k == Kind::None)
        return {};
    const heapscope::ScopeReport& scope = *scopeOf(index);
    const std::size_t scopeIndex = std::size_t(&scope - m_result->scopes.data());
    const heapscope::Analysis& a = *m_analysis;
    if (role == LocationRole)
        return m_locations[qsizetype(scopeIndex)];
    const heapscope::ContextReport* context = nullptr;
    const heapscope::DeadContextField* field = nullptr;
    if (k == Kind::Context) {
        context = &scope.contexts[std::size_t(index.row())];
    } else if (k == Kind::Field) {
        context = &scope.contexts[std::size_t(index.parent().row())];
        field = &context->deadFields[std::size_t(index.row())];
    }
    std::optional<std::uint64_t> dead, retained, shallow;
    if (k == Kind::Scope) {
        dead = m_scopeDead[scopeIndex];
    } else if (k == Kind::Context) {
        dead = context->deadFieldsRetainedSizeSum;
        retained = context->retainedSize;
        shallow = a.selfSize[context->contextNode];
    } else {
        retained = field->retainedSize;
        shallow = field->selfSize;
    }
    const int column = index.column();
    if (role == ModelRoles::ObjectRefRole) {
        if (k == Kind::Context)
            return QVariant::fromValue(ObjectRef{m_analysis, context->contextNode});
        if (k == Kind::Field)
            return QVariant::fromValue(ObjectRef{m_analysis, field->valueNode});
        return {};
    }
    if (role == Qt::DisplayRole || role == ModelRoles::SortRole) {
        if (column == NameColumn) {
            if (k == Kind::Scope) {
                QString text = m_locations[qsizetype(scopeIndex)];
                if (scope.scopeName && !scope.scopeName->empty())
                    text += u"  "_s + TextUtil::toQString(*scope.scopeName) + u"()"_s;
                return scope.contexts.size() == 1
                           ? tr("%1  (1 context)").arg(text)
                           : tr("%1  (%2 contexts)").arg(text, TextUtil::grouped(scope.contexts.size()));
            }
            if (k == Kind::Context)
                return tr("Context %1").arg(TextUtil::idText(a, context->contextNode));
            return u"%1 = %2 %3"_s.arg(TextUtil::toQString(field->name),
                                       TextUtil::toQString(field->valueName).left(200),
                                       TextUtil::idText(a, field->valueNode));
        }
        const std::optional<std::uint64_t>& v = column == DeadRetainedColumn ? dead
                                                : column == RetainedColumn   ? retained
                                                                             : shallow;
        if (!v)
            return {};
        return role == ModelRoles::SortRole ? QVariant::fromValue(*v) : QVariant(TextUtil::bytesAdaptive(*v));
    }
    if (role == Qt::TextAlignmentRole && column != NameColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (k == Kind::Scope)
            return tr("%1\nSource offsets %2 to %3 of the script; %4 field(s) per context")
                .arg(TextUtil::toQString(scope.scriptName))
                .arg(scope.scopeStart)
                .arg(scope.scopeEnd)
                .arg(scope.contextFieldCount);
        if (k == Kind::Field)
            return tr("No live closure can read “%1” any more: its value stays alive only because the "
                      "context "
                      "does. Double-click to reveal it in the Summary.")
                .arg(TextUtil::toQString(field->name));
        if (column == DeadRetainedColumn)
            return tr("Sum of the retained sizes of the dead fields (a ranking, not what clearing them would "
                      "free)");
    }
    return {};
}
