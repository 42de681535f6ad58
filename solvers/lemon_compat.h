#pragma once
// LEMON 1.3.1 (Debian's liblemon-dev) under C++20: its ArrayMap, the default graph map for
// class-type values (NodeMap<Arc>, used by Bfs, Dijkstra, Suurballe, Kruskal...), calls
// std::allocator::construct/destroy, which C++20 removed. This constrained partial
// specialization makes those maps VectorMaps (std::vector storage, same interface).
// Include this header before any other LEMON header.
#include <lemon/bits/default_map.h>

#include <type_traits>

namespace lemon {

template <typename Graph, typename Item, typename Value>
  requires(std::is_class_v<Value> && std::is_default_constructible_v<Value> &&
           std::is_copy_assignable_v<Value>)
struct DefaultMapSelector<Graph, Item, Value> {
  typedef VectorMap<Graph, Item, Value> Map;
};

}  // namespace lemon
