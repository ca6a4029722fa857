import { Injectable } from '@nestjs/common';
import { DataCategoryDescription, loadBundledDataCategories } from './domain/data-categories';
import { DataCategoryView } from './dto/data-category.dto';
import { PolicyService } from './policy.service';

/**
 * The categories of personal information as people read them: labels and correctable fields
 * (data-categories.yaml, loaded and checked once, when the process starts: a defect stops the
 * start), with the clauses the version in force holds each under.
 */
@Injectable()
export class DataCategoriesService {
  private readonly descriptions: readonly DataCategoryDescription[] = loadBundledDataCategories();

  constructor(private readonly policy: PolicyService) {}

  async list(): Promise<DataCategoryView[]> {
    const clauses = await this.policy.dataCategoryClauses();
    return this.descriptions.map((d) => ({
      id: d.id,
      clauses: clauses[d.id] ?? [],
      label: d.label,
      correctableFields: d.correctableFields,
      ...(d.correctionNote && { correctionNote: d.correctionNote }),
    }));
  }
}
