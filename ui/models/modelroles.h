// SPDX-License-Identifier: MIT
// Item data roles shared by every heap model; delegates, menus and tests depend only on these.
#pragma once

#include <Qt>

namespace ModelRoles {
enum Role : int {
    SortRole = Qt::UserRole + 100, ///< numeric value of the cell (or text for name columns)
    ObjectRefRole,                 ///< ObjectRef of the row's heap object; invalid for class rows
    BytesRole,                     ///< exact byte count of a size cell
    PercentRole,                   ///< "12 %" drawn beside a size
    EdgeNameRole,                  ///< formatted edge name of an edge or retainer row ("[12]", "map")
    EdgeKindRole,                  ///< heapscope::EdgeKind of that edge, as int
    SeparatorRole,                 ///< "::" (containment) or "in" (retainers)
    LabelRole,                     ///< object or class label without the id
    IdRole,                        ///< "@123"
    CountRole,                     ///< "×1,234" on class rows
    GreyedRole,                    ///< bool: cycle, unreachable, ignored
    RowKindRole,                   ///< HeapTreeModel::RowKind as int
    DeltaRole,                     ///< signed value a delta bar draws
    DeltaMaxRole,                  ///< largest magnitude in that column (bar scale)
    DetachedRole,                  ///< bool: detached DOM node
    CountValueRole,                ///< the number of objects of a class row (exports write it)
};
}
