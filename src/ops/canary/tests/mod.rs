mod machine;
mod plan;
mod verdict;
