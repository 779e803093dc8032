mod machine;
mod plan;
mod third_entity;
mod verdict;
